// Adding and removing graphile-worker jobs through SQL on the caller's connection, so jobs commit (or roll back)
// with the change that asked for them. Many jobs go in one statement (graphile_worker.add_jobs).
import type { Queryable } from '../db/data-source.js';
import { rows } from '../db/sql.js';

export interface JobSpec {
  task: string;
  /** Ids only: jobs outlive deploys. */
  payload: Record<string, unknown>;
  runAt?: Date;
  maxAttempts?: number;
  /** Job keys are global across tenants: build them with jobKey(kind, tenantId, ...). */
  jobKey?: string;
  queueName?: string;
  priority?: number;
}

/**
 * A job key: `<kind>:<tenant>:<part>...`. Job keys are global across tenants, so the tenant comes first, and ids may
 * contain `:` themselves (ID_PATTERN), so each part's `:` is written `%3A` (ids cannot contain `%`): tenant `a:b` +
 * workflow `c` and tenant `a` + workflow `b:c` get two keys, not one that either could replace or remove.
 * Migration 1763800000015 writes the same encoding in SQL.
 */
export const jobKey = (kind: string, tenantId: string, ...parts: string[]): string =>
  [kind, tenantId, ...parts].map((p) => p.replaceAll(':', '%3A')).join(':');

/**
 * A job as graphile_worker.job_spec reads it (json_populate_record), plus `tag` keys (such as `for_run`) that a
 * statement adding jobs for the rows it inserted can select on; job_spec ignores them.
 */
export function jobSpecRecord(s: JobSpec, tag: Record<string, string> = {}): Record<string, unknown> {
  return {
    ...tag,
    identifier: s.task,
    payload: s.payload,
    run_at: s.runAt?.toISOString() ?? null,
    max_attempts: s.maxAttempts ?? null,
    job_key: s.jobKey ?? null,
    queue_name: s.queueName ?? null,
    priority: s.priority ?? null,
  };
}

/**
 * A SELECT that adds, in one add_jobs call, the jobs of JSON parameter `param` (jobSpecRecord objects) whose `tag`
 * is among the ids `ids` (a subquery) returns: for a statement that adds jobs only for the rows it inserted.
 */
export const addTaggedJobsSql = (param: string, tag: string, ids: string): string => `
    SELECT count(*) AS added FROM (
      SELECT array_agg(json_populate_record(NULL::graphile_worker.job_spec, j)) AS specs
      FROM json_array_elements(${param}::json) j WHERE j->>'${tag}' IN (${ids})
    ) wanted, LATERAL graphile_worker.add_jobs(wanted.specs)
    WHERE wanted.specs IS NOT NULL`;

/** A SELECT that adds the jobs of JSON parameter `param` (jobSpecRecord objects) in one add_jobs call. */
export const addJobsSql = (param: string): string => `
    SELECT count(*) FROM graphile_worker.add_jobs(ARRAY(
      SELECT json_populate_record(NULL::graphile_worker.job_spec, x) FROM json_array_elements(${param}::json) x
    ))`;

/**
 * SQL: the job payload `payload` names `field` = `param`, as a job's own payload or as an item of a batch job's
 * list (graphile-worker batch jobs: a payload that is an array; run_step's first steps are started that way).
 */
export const payloadNames = (payload: string, field: string, param: string): string =>
  `(${payload}->>'${field}' = ${param} OR (json_typeof(${payload}) = 'array' AND ${payload}::jsonb @> jsonb_build_array(jsonb_build_object('${field}', ${param}::text))))`;

/** Adds the jobs in one statement. A job key that exists is replaced (its run_at too). Keys in one call must differ. */
export async function addJobs(db: Queryable, specs: JobSpec[]): Promise<void> {
  if (!specs.length) return;
  await rows(db, addJobsSql('$1'), [JSON.stringify(specs.map((s) => jobSpecRecord(s)))]);
}

/** Removes jobs by key; a job running right now keeps running but will not be retried. */
export async function removeJobs(db: Queryable, keys: string[]): Promise<void> {
  if (!keys.length) return;
  await rows(db, 'SELECT count(*) FROM unnest($1::text[]) k, LATERAL graphile_worker.remove_job(k) r', [keys]);
}
