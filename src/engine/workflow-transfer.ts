// Moving workflows between tenants or installations (staging to production, or into version control): an export
// of a tenant's own workflows as plain JSON (no ids, no signing secrets, no built-in ones: every tenant has those),
// and an import that checks every workflow as a save would and then adds them all, switched off, or none.
import type { DataSource } from 'typeorm';
import { rows, transaction } from '../db/sql.js';
import { DomainError } from '../domain/errors.js';
import { insertWorkflow, normalize, toWorkflow, type NewSecrets, type Workflow, type WorkflowInput, type WorkflowRow } from './workflows.js';

/** Names the file's layout, so a later version can read older files. */
export const EXPORT_FORMAT = 'bookflow.workflows/1';

export interface WorkflowExport {
  format: typeof EXPORT_FORMAT;
  exportedAt: string;
  workflows: WorkflowInput[];
}

/** A workflow as a create body: what defines it, without ids, secrets, versions or the built-in mark. */
export const toInput = (w: Workflow): WorkflowInput => ({
  name: w.name, description: w.description, enabled: w.enabled, trigger: w.trigger, filters: w.filters,
  actions: w.actions.map(({ type, config }) => ({ type, config })),
} as WorkflowInput);

export async function exportWorkflows(ds: DataSource, tenantId: string): Promise<WorkflowExport> {
  const list = await rows<WorkflowRow>(ds, 'SELECT * FROM workflows WHERE tenant_id = $1 AND builtin_key IS NULL ORDER BY created_at, id', [tenantId]);
  return {
    format: EXPORT_FORMAT,
    exportedAt: new Date().toISOString(),
    workflows: list.map(toWorkflow).map(toInput),
  };
}

/**
 * Adds every workflow, switched off (an import should not start sending before someone looked), or none: the first
 * invalid one answers as a save would (400, or 422 for templates), its pointers under `/workflows/<index>`.
 */
export async function importWorkflows(ds: DataSource, tenantId: string, list: WorkflowInput[]): Promise<{ workflow: Workflow; secrets: NewSecrets }[]> {
  const docs = list.map((w, i) => about(i, w.name, () => normalize({ ...w, enabled: false })));
  return transaction(ds, async (tx) => {
    const out = [];
    // Saving checks more (filters naming what this tenant does not have): its errors point into the list too.
    for (const [i, doc] of docs.entries()) out.push(await aboutAsync(i, doc.name, () => insertWorkflow(tx, tenantId, doc)));
    return out;
  });
}

/** A DomainError about workflow `i` of the list: says which, and points under `/workflows/<i>`. */
function inList(err: unknown, i: number, name: string): unknown {
  if (!(err instanceof DomainError)) return err;
  return new DomainError(err.status, err.code, `workflow ${i + 1} ("${name}", at /workflows/${i}): ${err.message}`,
    err.errors?.map((e) => ({ ...e, pointer: `/workflows/${i}${e.pointer}` })), err.extra);
}

function about<T>(i: number, name: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw inList(err, i, name);
  }
}

async function aboutAsync<T>(i: number, name: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw inList(err, i, name);
  }
}
