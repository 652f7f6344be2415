// All workflows: what starts each (in words), its filters and actions, whether it is on, and how its last run went.
// Built-in workflows are marked and can be restored; deleted built-ins are offered back.
import { useState } from 'react';
import { api, listAll } from '../../lib/api';
import { actionInWords, filtersInWords, humanize, statusTone, timeAgo } from '../../lib/format';
import { href } from '../../lib/router';
import { useTenant } from '../../lib/tenant';
import type { DefaultStatus, Workflow } from '../../lib/types';
import { useLoad } from '../../lib/use-api';
import { Dialog } from '../../components/Dialog';
import { Icon } from '../../components/Icon';
import { Badge, Button, Empty, ErrorBanner, LinkButton, Loading, PageHeader, Switch } from '../../components/ui';
import { useToast } from '../../components/Toasts';
import { RecipeDialog } from './RecipeDialog';
import { TestDialog } from './TestDialog';
import { WorkflowTransfer } from './WorkflowTransfer';

type Confirm = { kind: 'delete' | 'restore'; workflow?: Workflow; key?: string; name: string } | null;

export function WorkflowList() {
  const tenant = useTenant();
  const toast = useToast();
  const [recipes, setRecipes] = useState(false);
  const list = useLoad(async () => {
    const [items, defaults] = await Promise.all([
      listAll<Workflow>('/workflows'),
      api.get<{ items: DefaultStatus[] }>('/workflows/defaults').then((r) => r.items).catch(() => [] as DefaultStatus[]),
    ]);
    return { items, defaults };
  }, []);
  const [busy, setBusy] = useState<string | null>(null);
  const [testing, setTesting] = useState<Workflow | null>(null);
  const [confirm, setConfirm] = useState<Confirm>(null);
  const [error, setError] = useState<unknown>(null);

  // The list answers each workflow's newest run (`lastRun`).
  const lastRuns: Record<string, Workflow['lastRun']> = Object.fromEntries((list.data?.items ?? []).map((w) => [w.id, w.lastRun ?? null]));

  async function toggle(w: Workflow, on: boolean) {
    setBusy(w.id);
    setError(null);
    try {
      const saved = await api.post<Workflow>(`/workflows/${encodeURIComponent(w.id)}/${on ? 'enable' : 'disable'}`);
      list.mutate((d) => ({ ...d, items: d.items.map((x) => (x.id === saved.id ? saved : x)) }));
      toast(`${w.name} is ${on ? 'on' : 'off'}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  }

  async function confirmed() {
    if (!confirm) return;
    const c = confirm;
    setConfirm(null);
    setError(null);
    try {
      if (c.kind === 'delete' && c.workflow) {
        await api.del(`/workflows/${encodeURIComponent(c.workflow.id)}`);
        toast(`Deleted “${c.name}”`);
      } else if (c.kind === 'restore' && c.key) {
        await api.post(`/workflows/defaults/${encodeURIComponent(c.key)}/restore`);
        toast(`Restored “${c.name}”`);
      }
      list.reload({ quiet: true });
    } catch (err) {
      setError(err);
    }
  }

  const defaults = list.data?.defaults ?? [];
  const deletedDefaults = defaults.filter((d) => !d.workflowId);
  const modified = new Map(defaults.filter((d) => d.workflowId).map((d) => [d.workflowId!, d]));

  return (
    <>
      <PageHeader title="Workflows" description="Rules that run by themselves: when something happens to a booking, send a message, change a status or call a webhook."
        actions={(
          <>
            <Button onClick={() => setRecipes(true)}>Start from a recipe</Button>
            <LinkButton href="#/workflows/new" variant="primary" icon="plus">New workflow</LinkButton>
          </>
        )} />
      {recipes ? <RecipeDialog onClose={() => setRecipes(false)} /> : null}
      <ErrorBanner error={error} />
      {list.loading && !list.data ? <Loading label="Loading workflows…" /> : null}
      {list.error ? <ErrorBanner error={list.error} title="Workflows could not be loaded" onRetry={() => list.reload()} /> : null}
      {list.data && list.data.items.length === 0 ? (
        <Empty icon="workflow" title="No workflows yet" action={<LinkButton href="#/workflows/new" variant="primary" icon="plus">Create your first workflow</LinkButton>}>
          A workflow says “when this happens, do this”: for example, email the customer when a booking is confirmed.
        </Empty>
      ) : null}
      {list.data && list.data.items.length ? (
        <ul className="wf-list" aria-label="Workflows">
          {list.data.items.map((w) => {
            const filters = filtersInWords(w.filters, (kind, id) => tenant.name(kind, id));
            const run = lastRuns[w.id];
            const def = w.builtin ? modified.get(w.id) : undefined;
            return (
              <li key={w.id} className={`wf-row card ${w.enabled ? '' : 'is-off'}`} data-workflow-id={w.id}>
                <div className="wf-main">
                  <div className="wf-name-line">
                    <a className="wf-name" href={href('workflows', w.id)}>{w.name}</a>
                    {w.builtin ? <Badge tone="accent" title="Shipped with Bookflow; you can restore it">Built-in</Badge> : null}
                    {def?.modified ? <Badge tone="neutral">Modified</Badge> : null}
                    {w.problems?.length ? <Badge tone="danger">Needs attention</Badge> : null}
                  </div>
                  {/* said on the card, not in a tooltip a phone or a keyboard cannot reach */}
                  {w.problems?.length ? (
                    <p className="small danger-text">
                      Runs as saved, but {w.problems.length === 1 ? 'a check added since refuses it' : `${w.problems.length} checks added since refuse it`}: {w.problems[0].message}
                      {w.problems.length > 1 ? ' …' : ''} Open it to fix.
                    </p>
                  ) : null}
                  <p className="wf-when"><Icon name="bolt" size={14} /><span>{w.summary}{filters.length ? <span className="muted">, only {filters.join(', ')}</span> : null}</span></p>
                  <ul className="wf-actions" aria-label="Actions">
                    {w.actions.length === 0 ? <li className="muted small">No actions</li> : null}
                    {w.actions.map((a, i) => <li key={a.id ?? i} className="pill">{actionInWords(a, tenant.action(a.type))}</li>)}
                  </ul>
                </div>
                <div className="wf-last">
                  <span className="label-sm">Last run</span>
                  {run === undefined ? <span className="muted small">…</span> : run === null ? <span className="muted small">Never</span> : (
                    <a href={href('runs', run.id)} className="wf-last-link">
                      <Badge tone={statusTone(run.decision === 'skipped' ? 'skipped' : run.status)}>{humanize(run.decision === 'skipped' ? 'skipped' : run.status)}</Badge>
                      <span className="small muted">{timeAgo(run.createdAt)}</span>
                    </a>
                  )}
                </div>
                <div className="wf-toggle">
                  <Switch checked={w.enabled} busy={busy === w.id} onChange={(v) => toggle(w, v)} label={`${w.name} enabled`} hideLabel />
                  <span className="small muted" aria-hidden="true">{w.enabled ? 'On' : 'Off'}</span>
                </div>
                <div className="wf-tools">
                  <LinkButton href={href('workflows', w.id)} size="sm" icon="edit" aria-label={`Edit ${w.name}`}>Edit</LinkButton>
                  <Button size="sm" icon="play" onClick={() => setTesting(w)} aria-label={`Test ${w.name}`}>Test</Button>
                  <LinkButton href={href('workflows', w.id, 'runs')} size="sm" icon="runs" aria-label={`Run history of ${w.name}`}>History</LinkButton>
                  {w.builtin ? (
                    <Button size="sm" variant="ghost" icon="refresh" aria-label={`Restore ${w.name} to the shipped version`}
                      onClick={() => setConfirm({ kind: 'restore', key: w.builtin!, name: w.name })}>Restore</Button>
                  ) : null}
                  <Button size="sm" variant="ghost" icon="trash" aria-label={`Delete ${w.name}`} className="danger-text"
                    onClick={() => setConfirm({ kind: 'delete', workflow: w, name: w.name })}>Delete</Button>
                </div>
              </li>
            );
          })}
        </ul>
      ) : null}
      {deletedDefaults.length ? (
        <section className="section" aria-labelledby="deleted-defaults">
          <h2 id="deleted-defaults" className="section-title">Built-in workflows you deleted</h2>
          <ul className="simple-list">
            {deletedDefaults.map((d) => (
              <li key={d.key}>
                <span>{d.name}</span>
                <Button size="sm" icon="refresh" onClick={() => setConfirm({ kind: 'restore', key: d.key, name: d.name })}>Restore</Button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <WorkflowTransfer tenantId={tenant.settings.id} onImported={() => list.reload({ quiet: true })} />
      <TestDialog workflow={testing} onClose={() => setTesting(null)} />
      <Dialog open={Boolean(confirm)} title={confirm?.kind === 'delete' ? `Delete “${confirm?.name}”?` : `Restore “${confirm?.name}”?`}
        onClose={() => setConfirm(null)}
        footer={(
          <>
            <Button onClick={() => setConfirm(null)}>Cancel</Button>
            <Button variant={confirm?.kind === 'delete' ? 'danger' : 'primary'} onClick={confirmed}>{confirm?.kind === 'delete' ? 'Delete' : 'Restore'}</Button>
          </>
        )}>
        <p>{confirm?.kind === 'delete'
          ? 'It stops running at once and its pending reminders are removed. Its past runs stay in the history.'
          : 'The shipped version replaces your changes to this workflow (or brings it back if you deleted it).'}</p>
      </Dialog>
    </>
  );
}
