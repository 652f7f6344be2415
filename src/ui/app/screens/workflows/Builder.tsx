// The visual workflow builder: name, then three connected steps (When this happens -> Only if -> Do this), with
// the live preview beside them. Save validates on the server; every error it names is shown at its field.
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api, ApiError, type FieldError } from '../../lib/api';
import { navigate, useLeaveGuard } from '../../lib/router';
import { useTenant } from '../../lib/tenant';
import type { Workflow } from '../../lib/types';
import { Button, ErrorBanner, Field, Notice, PageHeader, Switch } from '../../components/ui';
import { useToast } from '../../components/Toasts';
import { ActionsStep } from './ActionsStep';
import { emptyDraft, errorsUnder, fromWorkflow, toDocument, unplacedErrors, type Draft } from './draft';
import { FilterStep } from './FilterStep';
import { Preview } from './Preview';
import { SecretsDialog } from './SecretsDialog';
import { TriggerStep } from './TriggerStep';

export function Builder({ workflow, tabs }: { workflow: Workflow | null; tabs?: ReactNode }) {
  const tenant = useTenant();
  const toast = useToast();
  const [start] = useState<Draft>(() => (workflow ? fromWorkflow(workflow) : emptyDraft()));
  const [draft, setDraft] = useState<Draft>(start);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [nameError, setNameError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [secrets, setSecrets] = useState<Workflow['secrets'] | null>(null);
  const [afterSecrets, setAfterSecrets] = useState('/workflows');
  const [copying, setCopying] = useState(false);
  const nameInput = useRef<HTMLInputElement>(null);
  const banner = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!workflow) nameInput.current?.focus();
  }, [workflow]);

  const patch = useCallback(<K extends keyof Draft>(k: K, v: Draft[K]) => setDraft((d) => ({ ...d, [k]: v })), []);
  const edited = useMemo(() => draft !== start && JSON.stringify(draft) !== JSON.stringify(start), [draft, start]);
  const release = useLeaveGuard(edited ? 'Leave without saving? Your changes to this workflow will be lost.' : null);
  const trigger = tenant.trigger(draft.trigger.type);
  const unplaced = useMemo(() => unplacedErrors(errors, draft), [errors, draft]);
  // The live preview re-checks the draft as it changes: once it finds nothing wrong, a save refused for its fields
  // is out of date, and its banner (quoting the old mistake) goes.
  const previewErrors = useCallback((found: FieldError[]) => {
    setErrors(found);
    if (!found.length) setSaveError((e: unknown) => (e instanceof ApiError && e.errors.length ? null : e));
  }, []);

  async function save() {
    if (!draft.name.trim()) {
      setNameError('Give the workflow a name.');
      nameInput.current?.focus();
      return;
    }
    if (!draft.trigger.type) {
      setErrors([{ pointer: '/trigger/type', message: 'Choose what starts this workflow.' }]);
      document.getElementById('step-when')?.scrollIntoView({ block: 'center' });
      return;
    }
    setSaving(true);
    setSaveError(null);
    try {
      const doc = toDocument(draft);
      const saved = workflow
        ? await api.patch<Workflow>(`/workflows/${encodeURIComponent(workflow.id)}`, doc)
        : await api.post<Workflow>('/workflows', doc);
      setErrors([]);
      release(); // saved: nothing to lose by leaving
      toast(workflow ? `Saved “${saved.name}”` : `Created “${saved.name}”`);
      if (saved.secrets && Object.keys(saved.secrets).length) setSecrets(saved.secrets);
      else navigate('/workflows');
    } catch (err) {
      setSaveError(err);
      if (err instanceof ApiError && err.errors.length) {
        setErrors(err.errors);
        const name = errorsUnder(err.errors, '/name');
        if (name.length) setNameError(name[0].message);
      }
      requestAnimationFrame(() => banner.current?.focus());
    } finally {
      setSaving(false);
    }
  }

  /** A switched-off copy to adapt (for another location, say); it opens in the builder. */
  async function duplicate() {
    if (!workflow) return;
    setCopying(true);
    setSaveError(null);
    try {
      const copy = await api.post<Workflow>(`/workflows/${encodeURIComponent(workflow.id)}/duplicate`, {});
      toast(`Copied to “${copy.name}”, switched off`);
      const to = `/workflows/${encodeURIComponent(copy.id)}`;
      if (copy.secrets && Object.keys(copy.secrets).length) {
        setAfterSecrets(to);
        setSecrets(copy.secrets);
      } else navigate(to);
    } catch (err) {
      setSaveError(err);
    } finally {
      setCopying(false);
    }
  }

  return (
    <>
      <PageHeader
        back={{ href: '#/workflows', label: 'Workflows' }}
        title={workflow ? workflow.name : 'New workflow'}
        description={workflow?.builtin ? 'A built-in workflow: edit it freely; you can restore the shipped version from the list.' : 'When this happens, only if it matches, do this.'}
        actions={(
          <>
            <Switch checked={draft.enabled} onChange={(v) => patch('enabled', v)} label="Enabled" />
            {workflow ? <Button busy={copying} onClick={duplicate}>Duplicate</Button> : null}
            <Button onClick={() => navigate('/workflows')}>Cancel</Button>
            <Button variant="primary" busy={saving} onClick={save}>{workflow ? 'Save changes' : 'Save workflow'}</Button>
          </>
        )}
      />
      {tabs}
      {workflow?.problems?.length ? (
        <Notice tone="warning" title="Saved before Bookflow checked this: it runs as it is, and needs fixing">
          <ul className="field-errors">{workflow.problems.map((p, i) => <li key={i}><code>{p.pointer}</code> {p.message}</li>)}</ul>
        </Notice>
      ) : null}
      {saveError ? (
        <div ref={banner} tabIndex={-1} className="focus-target">
          <ErrorBanner error={saveError} title={errors.length ? 'The workflow was not saved: fix the marked fields' : 'The workflow was not saved'} />
          {unplaced.length ? <ul className="field-errors">{unplaced.map((e, i) => <li key={i}><code>{e.pointer}</code> {e.message}</li>)}</ul> : null}
        </div>
      ) : null}
      <div className="builder">
        <div className="builder-main">
          <section className="card name-card" aria-label="Name and description">
            <Field label="Name" errors={nameError ? [nameError] : undefined}>
              {(p) => (
                <input {...p} ref={nameInput} className="input input-lg" value={draft.name} maxLength={200} placeholder="e.g. Booking confirmation"
                  onChange={(e) => { patch('name', e.target.value); if (e.target.value.trim()) setNameError(null); }} />
              )}
            </Field>
            <Field label="Description (optional)" errors={errorsUnder(errors, '/description').map((e) => e.message)}>
              {(p) => <input {...p} className="input" value={draft.description} maxLength={2000}
                placeholder="What is it for? Helps your colleagues." onChange={(e) => patch('description', e.target.value)} />}
            </Field>
          </section>
          <ol className="flow" aria-label="Workflow steps">
            <TriggerStep draft={draft} errors={errors} onChange={(t) => patch('trigger', t)} />
            <FilterStep filters={draft.filters} errors={errors} onChange={(f) => patch('filters', f)} defaultStatuses={trigger?.defaultStatuses ?? []} />
            <ActionsStep draft={draft} errors={errors} onChange={(a) => patch('actions', a)} />
          </ol>
        </div>
        <aside className="builder-side" aria-label="Preview">
          <Preview draft={draft} onErrors={previewErrors} />
        </aside>
      </div>
      <SecretsDialog secrets={secrets} onClose={() => { setSecrets(null); navigate(afterSecrets); }} />
    </>
  );
}
