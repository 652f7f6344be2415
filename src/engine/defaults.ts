// Default (built-in) workflows: every tenant gets them, can edit, disable or delete them like any workflow, and can
// restore them (re-create a deleted one, or reset an edited one to the shipped version).
//
// Each default has a stable `key` (persisted in workflows.builtin_key: never rename one). A tenant that deleted a
// default does not get it back by itself: `tenant_defaults` remembers what was installed once.
import { isDeepStrictEqual } from 'node:util';
import type { DataSource, EntityManager } from 'typeorm';
import { one, rows, transaction } from '../db/sql.js';
import { DomainError, notFound } from '../domain/errors.js';
import { onTenantCreated } from '../domain/tenants.js';
import type { WorkflowInput } from './workflows.js';
import { getWorkflowRow, insertWorkflow, normalize, toWorkflow, updateWorkflow, type Workflow, type WorkflowRow } from './workflows.js';

export interface DefaultWorkflow {
  key: string;
  /** The shipped version; `enabled` defaults to true. */
  workflow: WorkflowInput;
  /**
   * The steps of versions shipped before (same name, trigger and filters): a tenant's copy still exactly as one of
   * them shipped is brought up to `workflow` at boot (the admin never changed it, so it follows the product); an
   * edited copy is left alone. Without this an untouched copy showed as modified after an upgrade.
   */
  earlierActions?: NonNullable<WorkflowInput['actions']>[];
}

const defaults = new Map<string, DefaultWorkflow>();

/** Features register their defaults at load time (the waitlist, webhook endpoint notices). */
export function registerDefaultWorkflow(d: DefaultWorkflow): void {
  if (defaults.has(d.key)) throw new Error(`two default workflows claim the key ${d.key}`);
  defaults.set(d.key, d);
}

export const defaultWorkflows = (): DefaultWorkflow[] => [...defaults.values()];

/** Installs every default this tenant never had (new tenants: all of them). */
export async function installDefaults(tx: EntityManager, tenantId: string): Promise<void> {
  const had = new Set((await rows<{ key: string }>(tx, 'SELECT key FROM tenant_defaults WHERE tenant_id = $1', [tenantId])).map((r) => r.key));
  for (const d of defaults.values()) {
    if (had.has(d.key)) continue;
    await insertWorkflow(tx, tenantId, normalize(d.workflow), { builtin: d.key });
    await rows(tx, 'INSERT INTO tenant_defaults (tenant_id, key) VALUES ($1, $2) ON CONFLICT DO NOTHING', [tenantId, d.key]);
  }
}

onTenantCreated((tx, tenant) => installDefaults(tx, tenant.id));

/** At boot: gives existing tenants the defaults added since they were created, and updates untouched copies. */
export async function installDefaultsForAllTenants(ds: DataSource): Promise<void> {
  const tenants = await rows<{ id: string }>(ds, 'SELECT id FROM tenants');
  for (const t of tenants) await transaction(ds, (tx) => installDefaults(tx, t.id));
  await updateUntouchedDefaults(ds);
}

/** The parts of a workflow that say whether it is a default as shipped (compared as values: jsonb keeps no key order). */
const shape = (w: Pick<Workflow, 'trigger' | 'filters' | 'actions' | 'name'>) => [w.trigger, w.filters, w.actions.map((a) => [a.type, a.config]), w.name];

/** Every tenant's copy of a default that is exactly as an earlier version shipped: brought up to the current one. */
async function updateUntouchedDefaults(ds: DataSource): Promise<void> {
  for (const d of defaults.values()) {
    if (!d.earlierActions?.length) continue;
    const shipped = normalize(d.workflow);
    const earlier = d.earlierActions.map((actions) => shape(normalize({ ...d.workflow, actions })));
    const untouched = (w: Workflow) => earlier.some((e) => isDeepStrictEqual(shape(w), e));
    const copies = await rows<WorkflowRow>(ds, 'SELECT * FROM workflows WHERE builtin_key = $1', [d.key]);
    for (const row of copies) {
      const w = toWorkflow(row);
      if (!untouched(w)) continue;
      // the copy's step ids stay (runs and secrets refer to them)
      const actions = shipped.actions.map((a, i) => ({ ...a, id: w.actions[i]?.id ?? a.id }));
      try {
        // asked again under the row's lock: another process booting, or the admin, may have changed it since
        await updateWorkflow(ds, row.tenant_id, row.id, { actions }, { onlyIf: untouched });
      } catch (err) {
        if (!(err instanceof DomainError && err.status === 404)) throw err; // deleted meanwhile: nothing to update
      }
    }
  }
}

/** Restores a default: re-creates it when deleted, or resets it to the shipped version (keeping its id). */
export async function restoreDefault(ds: DataSource, tenantId: string, key: string): Promise<Workflow> {
  const d = defaults.get(key);
  if (!d) throw notFound('default workflow', key);
  const existing = await one<{ id: string }>(ds, 'SELECT id FROM workflows WHERE tenant_id = $1 AND builtin_key = $2', [tenantId, key]);
  if (existing) {
    const { workflow } = await updateWorkflow(ds, tenantId, existing.id, { ...d.workflow, enabled: d.workflow.enabled ?? true, description: d.workflow.description ?? null });
    return workflow;
  }
  return transaction(ds, async (tx) => {
    const { workflow } = await insertWorkflow(tx, tenantId, normalize(d.workflow), { builtin: key });
    await rows(tx, 'INSERT INTO tenant_defaults (tenant_id, key) VALUES ($1, $2) ON CONFLICT DO NOTHING', [tenantId, key]);
    return workflow;
  });
}

export async function defaultsStatus(ds: DataSource, tenantId: string): Promise<{ key: string; name: string; workflowId: string | null; modified: boolean }[]> {
  const out = [];
  for (const d of defaults.values()) {
    const row = await one<{ id: string }>(ds, 'SELECT id FROM workflows WHERE tenant_id = $1 AND builtin_key = $2', [tenantId, d.key]);
    let modified = false;
    if (row) {
      const w = toWorkflow((await getWorkflowRow(ds, tenantId, row.id))!);
      const shipped = normalize(d.workflow);
      // Compared as values, not as JSON text: jsonb does not keep key order, so the stored copy of an untouched
      // default serializes differently from the shipped one.
      modified = !isDeepStrictEqual(shape(w), shape(shipped));
    }
    out.push({ key: d.key, name: d.workflow.name, workflowId: row?.id ?? null, modified });
  }
  return out;
}
