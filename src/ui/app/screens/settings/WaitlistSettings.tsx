// Waitlist settings (GET/PATCH /api/settings/waitlist). Not hand-written: the form is generated (rjsf) from the
// PATCH body schema the server publishes in its OpenAPI document, like every module form, so a new setting needs
// no UI code. A server without the waitlist has no such route, and the section says so.
import { useMemo, useState } from 'react';
import { api } from '../../lib/api';
import { useTenant } from '../../lib/tenant';
import type { JSONSchema } from '../../lib/types';
import { useLoad, useSave } from '../../lib/use-api';
import { ModuleForm } from '../../forms/ModuleForm';
import { Button, ErrorBanner, Loading, Notice } from '../../components/ui';
import { useToast } from '../../components/Toasts';

const NONE: never[] = [];

function patchSchema(openapi: Record<string, any> | null): JSONSchema | null {
  const schema = openapi?.paths?.['/api/settings/waitlist']?.patch?.requestBody?.content?.['application/json']?.schema;
  if (!schema || typeof schema !== 'object') return null;
  const { tenantId: _t, ...properties } = (schema.properties ?? {}) as Record<string, JSONSchema>;
  return { ...schema, properties, required: [] };
}

export function WaitlistSettings() {
  const tenant = useTenant();
  const schema = useMemo(() => patchSchema(tenant.features.openapi), [tenant.features.openapi]);
  if (!schema) {
    return (
      <section className="card" aria-labelledby="waitlist-title">
        <h2 id="waitlist-title" className="card-title">Waiting list</h2>
        <Notice>This server has no waiting list yet. Its settings (mode, offer window, priority, lead time) appear here once it does.</Notice>
      </section>
    );
  }
  return <WaitlistForm schema={schema} />;
}

function WaitlistForm({ schema }: { schema: JSONSchema }) {
  const toast = useToast();
  const current = useLoad((signal) => api.get<Record<string, unknown>>('/settings/waitlist', { signal }), []);
  const [draft, setDraft] = useState<Record<string, unknown> | null>(null);
  const { busy, error, errors, run } = useSave();
  const value = draft ?? current.data ?? {};

  const save = () => run(async () => {
    const known = Object.fromEntries(Object.entries(value).filter(([k]) => k in (schema.properties ?? {})));
    await api.patch<Record<string, unknown>>('/settings/waitlist', known);
    setDraft(null);
    current.reload({ quiet: true });
    toast('Waiting list settings saved');
  });

  return (
    <section className="card" aria-labelledby="waitlist-title">
      <h2 id="waitlist-title" className="card-title">Waiting list</h2>
      {current.loading && !current.data ? <Loading /> : null}
      <ErrorBanner error={current.error ?? error} title="Waiting list settings" />
      {current.data ? (
        <>
          <ModuleForm idPrefix="waitlist" schema={schema} value={value} onChange={setDraft} errors={errors} variables={NONE} helpers={NONE} columns />
          <div className="form-actions">
            <Button variant="primary" busy={busy} disabled={!draft} onClick={save}>Save waiting list settings</Button>
          </div>
        </>
      ) : null}
    </section>
  );
}
