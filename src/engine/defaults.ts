// Default (built-in) workflows: every tenant gets them, can edit, disable or delete them like any workflow, and can
// restore them (re-create a deleted one, or reset an edited one to the shipped version).
//
// Each default has a stable `key` (persisted in workflows.builtin_key: never rename one). A tenant that deleted a
// default does not get it back by itself: `tenant_defaults` remembers what was installed once.
import { isDeepStrictEqual } from 'node:util';
import type { DataSource, EntityManager } from 'typeorm';
import { one, rows, transaction } from '../db/sql.js';
import { notFound } from '../domain/errors.js';
import { onTenantCreated } from '../domain/tenants.js';
import type { WorkflowInput } from './workflows.js';
import { getWorkflowRow, insertWorkflow, normalize, toWorkflow, updateWorkflow, type Workflow } from './workflows.js';

export interface DefaultWorkflow {
  key: string;
  /** The shipped version; `enabled` defaults to true. */
  workflow: WorkflowInput;
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

/** At boot: gives existing tenants the defaults added since they were created. */
export async function installDefaultsForAllTenants(ds: DataSource): Promise<void> {
  const tenants = await rows<{ id: string }>(ds, 'SELECT id FROM tenants');
  for (const t of tenants) await transaction(ds, (tx) => installDefaults(tx, t.id));
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
      modified = !isDeepStrictEqual([w.trigger, w.filters, w.actions.map((a) => [a.type, a.config]), w.name],
        [shipped.trigger, shipped.filters, shipped.actions.map((a) => [a.type, a.config]), shipped.name]);
    }
    out.push({ key: d.key, name: d.workflow.name, workflowId: row?.id ?? null, modified });
  }
  return out;
}
