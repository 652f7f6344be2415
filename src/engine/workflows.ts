// Workflows: a tenant's rules. Every change bumps the workflow's version and the tenant's workflows_version (so
// each process reloads its cached, compiled copy), and schedules a reconcile of time-offset jobs, in the same
// transaction as the change.
import crypto from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { Queryable } from '../db/data-source.js';
import { one, rows, transaction } from '../db/sql.js';
import { generateSecret } from '../delivery/signing.js';
import { checkCatalogIds } from '../domain/catalog.js';
import { notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { listRows, translateConstraint, type Page } from '../domain/store.js';
import { lockWorkflowsExclusively } from '../domain/workflows-lock.js';
import { actions, triggers } from './registry.js';
import { emptyFilters, validateWorkflow, type ActionStep, type Filters, type WorkflowDoc } from './workflow-schema.js';

export interface Workflow extends WorkflowDoc {
  id: string;
  builtin: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** Secrets generated for webhook steps, returned once in the response that created them. */
export type NewSecrets = Record<string, Record<string, string>>;

export interface WorkflowRow {
  tenant_id: string; id: string; name: string; description: string | null; enabled: boolean;
  trigger_type: string; trigger_config: Record<string, unknown>; filters: Filters; actions: ActionStep[];
  secrets: Record<string, Record<string, string>>; builtin_key: string | null; version: number;
  created_at: Date; updated_at: Date;
}

export const toWorkflow = (r: WorkflowRow): Workflow => ({
  id: r.id,
  name: r.name,
  description: r.description,
  enabled: r.enabled,
  trigger: { type: r.trigger_type, config: r.trigger_config },
  filters: { ...emptyFilters(), ...r.filters },
  actions: r.actions,
  builtin: r.builtin_key,
  version: r.version,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

export interface WorkflowInput {
  id?: string;
  name: string;
  description?: string | null;
  enabled?: boolean;
  trigger: { type: string; config?: Record<string, unknown> };
  filters?: Partial<Filters>;
  actions?: { id?: string; type: string; config?: Record<string, unknown> }[];
}

/** Fills defaults and step ids, then validates (400 for schema problems, 422 for templates). */
/** The document of a workflow to save, validated (see validateWorkflow for `previous`: the stored one, on a change). */
export function normalize(input: WorkflowInput, previous?: Pick<WorkflowDoc, 'trigger' | 'filters' | 'actions'>): WorkflowDoc {
  const doc: WorkflowDoc = {
    name: input.name,
    description: input.description ?? null,
    enabled: input.enabled ?? true,
    trigger: { type: input.trigger.type, config: structuredClone(input.trigger.config ?? {}) },
    filters: { ...emptyFilters(), ...input.filters },
    actions: (input.actions ?? []).map((a) => ({ id: a.id ?? `s_${crypto.randomBytes(4).toString('hex')}`, type: a.type, config: structuredClone(a.config ?? {}) })),
  };
  validateWorkflow(doc, previous);
  return doc;
}

/** Keeps the secrets of steps that still exist, and generates them for new steps whose action needs them. */
function secretsFor(steps: ActionStep[], existing: Record<string, Record<string, string>>): { all: Record<string, Record<string, string>>; created: NewSecrets } {
  const all: Record<string, Record<string, string>> = {};
  const created: NewSecrets = {};
  for (const step of steps) {
    const needed = actions.get(step.type)!.module.secrets ?? [];
    for (const name of needed) {
      const value = existing[step.id]?.[name];
      all[step.id] ??= {};
      if (value) all[step.id][name] = value;
      else {
        all[step.id][name] = generateSecret();
        (created[step.id] ??= {})[name] = all[step.id][name];
      }
    }
  }
  return { all, created };
}

/** Hooks run in the transaction of every workflow change (the scheduler reconciles time-offset jobs). */
type WorkflowHook = (tx: EntityManager, tenantId: string, workflowId: string) => Promise<void>;
const hooks: WorkflowHook[] = [];
export function onWorkflowChange(hook: WorkflowHook): void {
  hooks.push(hook);
}

async function changed(tx: EntityManager, tenantId: string, workflowId: string): Promise<void> {
  await lockWorkflowsExclusively(tx, tenantId); // booking changes in flight finish first (src/domain/workflows-lock.ts)
  await rows(tx, 'UPDATE tenants SET workflows_version = workflows_version + 1 WHERE id = $1', [tenantId]);
  for (const hook of hooks) await hook(tx, tenantId, workflowId);
}

export async function insertWorkflow(tx: EntityManager, tenantId: string, doc: WorkflowDoc, opts: { id?: string; builtin?: string } = {}): Promise<{ workflow: Workflow; secrets: NewSecrets }> {
  await checkCatalogIds(tx, tenantId, doc.filters);
  const { all, created } = secretsFor(doc.actions, {});
  try {
    const r = await one<WorkflowRow>(tx, `
      INSERT INTO workflows (tenant_id, id, name, description, enabled, trigger_type, trigger_config, filters, actions, secrets, builtin_key)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *`,
    [tenantId, opts.id ?? newId('wf'), doc.name, doc.description ?? null, doc.enabled, doc.trigger.type, JSON.stringify(doc.trigger.config),
      JSON.stringify(doc.filters), JSON.stringify(doc.actions), JSON.stringify(all), opts.builtin ?? null]);
    await changed(tx, tenantId, r!.id);
    return { workflow: toWorkflow(r!), secrets: created };
  } catch (err) {
    translateConstraint(err, 'workflow');
  }
}

export async function createWorkflow(ds: DataSource, tenantId: string, input: WorkflowInput): Promise<{ workflow: Workflow; secrets: NewSecrets }> {
  const doc = normalize(input);
  return transaction(ds, (tx) => insertWorkflow(tx, tenantId, doc, { id: input.id }));
}

async function lockWorkflow(tx: EntityManager, tenantId: string, id: string): Promise<WorkflowRow> {
  const r = await one<WorkflowRow>(tx, 'SELECT * FROM workflows WHERE tenant_id = $1 AND id = $2 FOR UPDATE', [tenantId, id]);
  if (!r) throw notFound('workflow', id);
  return r;
}

/**
 * Changes a workflow. `onlyIf`: asked with the workflow as stored, once it is locked; false leaves it as it is (a
 * change that holds only for a given state: another process, or the admin, may have changed it since it was read).
 */
export async function updateWorkflow(ds: DataSource, tenantId: string, id: string, patch: Partial<WorkflowInput>,
  opts: { onlyIf?: (current: Workflow) => boolean } = {}): Promise<{ workflow: Workflow; secrets: NewSecrets }> {
  return transaction(ds, async (tx) => {
    const current = toWorkflow(await lockWorkflow(tx, tenantId, id));
    if (opts.onlyIf && !opts.onlyIf(current)) return { workflow: current, secrets: {} };
    const doc = normalize({
      name: patch.name ?? current.name,
      description: patch.description !== undefined ? patch.description : current.description,
      enabled: patch.enabled ?? current.enabled,
      trigger: patch.trigger ?? current.trigger,
      filters: patch.filters ? { ...emptyFilters(), ...patch.filters } : current.filters,
      actions: patch.actions ?? current.actions,
    }, current);
    await checkCatalogIds(tx, tenantId, doc.filters, current.filters);
    const existing = (await one<{ secrets: Record<string, Record<string, string>> }>(tx, 'SELECT secrets FROM workflows WHERE tenant_id = $1 AND id = $2', [tenantId, id]))!.secrets;
    const { all, created } = secretsFor(doc.actions, existing);
    const r = await one<WorkflowRow>(tx, `
      UPDATE workflows SET name = $3, description = $4, enabled = $5, trigger_type = $6, trigger_config = $7, filters = $8,
        actions = $9, secrets = $10, version = version + 1, updated_at = now()
      WHERE tenant_id = $1 AND id = $2 RETURNING *`,
    [tenantId, id, doc.name, doc.description ?? null, doc.enabled, doc.trigger.type, JSON.stringify(doc.trigger.config),
      JSON.stringify(doc.filters), JSON.stringify(doc.actions), JSON.stringify(all)]);
    await changed(tx, tenantId, id);
    return { workflow: toWorkflow(r!), secrets: created };
  });
}

export async function deleteWorkflow(ds: DataSource, tenantId: string, id: string): Promise<void> {
  await transaction(ds, async (tx) => {
    await lockWorkflow(tx, tenantId, id);
    await rows(tx, 'DELETE FROM workflows WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
    await changed(tx, tenantId, id);
  });
}

export async function getWorkflow(db: Queryable, tenantId: string, id: string): Promise<Workflow> {
  const r = await one<WorkflowRow>(db, 'SELECT * FROM workflows WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  if (!r) throw notFound('workflow', id);
  return toWorkflow(r);
}

export async function getWorkflowRow(db: Queryable, tenantId: string, id: string): Promise<WorkflowRow | undefined> {
  return one<WorkflowRow>(db, 'SELECT * FROM workflows WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
}

export async function listWorkflows(db: Queryable, tenantId: string, opts: { cursor?: string; limit: number; triggerType?: string; enabled?: boolean }): Promise<Page<Workflow>> {
  const page = await listRows(db, 'workflows', tenantId, { where: { triggerType: opts.triggerType, enabled: opts.enabled }, cursor: opts.cursor, limit: opts.limit });
  return { items: page.items.map((r) => toWorkflow(r as unknown as WorkflowRow)), nextCursor: page.nextCursor };
}

export const describeTrigger = (w: Pick<Workflow, 'trigger'>): string => triggers.get(w.trigger.type)?.module.describe(w.trigger.config as never) ?? w.trigger.type;
