// Export the tenant's own workflows as a JSON file, or import such a file (GET /api/workflows/export, POST
// /api/workflows/import): all or nothing, switched off, with the new webhook signing secrets shown once.
import { useRef, useState } from 'react';
import { api, ApiError } from '../../lib/api';
import type { Workflow } from '../../lib/types';
import { Button, ErrorBanner } from '../../components/ui';
import { useToast } from '../../components/Toasts';
import { SecretsDialog } from './SecretsDialog';

export function WorkflowTransfer({ tenantId, onImported }: { tenantId: string; onImported(): void }) {
  const toast = useToast();
  const file = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState<'export' | 'import' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [secrets, setSecrets] = useState<Record<string, Record<string, string>> | null>(null);

  async function exportAll() {
    setBusy('export');
    setError(null);
    try {
      const data = await api.get<unknown>('/workflows/export');
      const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
      const a = Object.assign(document.createElement('a'), { href: url, download: `bookflow-workflows-${tenantId}.json` });
      a.click();
      URL.revokeObjectURL(url);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  }

  async function importFile(f: File) {
    setBusy('import');
    setError(null);
    try {
      let body: unknown;
      try {
        body = JSON.parse(await f.text());
      } catch (err) {
        // The file may well be JSON with a typo in it: say it does not parse, and where (the browser's message).
        throw new Error(`${f.name} is not valid JSON: ${(err as Error).message}`);
      }
      const added = await api.post<{ items: Workflow[] }>('/workflows/import', body);
      toast(`Imported ${added.items.length} workflow${added.items.length === 1 ? '' : 's'}, switched off`);
      onImported();
      const fresh = Object.fromEntries(added.items.flatMap((w) => Object.entries(w.secrets ?? {}).map(([step, s]) => [`${w.name} · ${step}`, s])));
      if (Object.keys(fresh).length) setSecrets(fresh);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
      if (file.current) file.current.value = '';
    }
  }

  return (
    <div className="transfer">
      <div className="row gap-sm">
        <Button size="sm" busy={busy === 'export'} onClick={exportAll}>Export workflows</Button>
        <Button size="sm" busy={busy === 'import'} onClick={() => file.current?.click()}>Import workflows…</Button>
        <input ref={file} type="file" accept="application/json,.json" hidden aria-label="Workflows file to import"
          onChange={(e) => { const f = e.target.files?.[0]; if (f) void importFile(f); }} />
      </div>
      <ErrorBanner error={error} title="The workflows were not imported" />
      {/* which workflow, and which field of it (/workflows/<i>/...): the banner gives only the first reason */}
      {error instanceof ApiError && error.errors.length ? (
        <ul className="field-errors">{error.errors.map((e, i) => <li key={i}><code>{e.pointer}</code> {e.message}</li>)}</ul>
      ) : null}
      <SecretsDialog secrets={secrets} onClose={() => setSecrets(null)} />
    </div>
  );
}
