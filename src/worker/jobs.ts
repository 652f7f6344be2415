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
  /** Job keys are global across tenants: every key MUST start with the tenant. */
  jobKey?: string;
  queueName?: string;
  priority?: number;
}

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

/** Adds the jobs in one statement. A job key that exists is replaced (its run_at too). Keys in one call must differ. */
export async function addJobs(db: Queryable, specs: JobSpec[]): Promise<void> {
  if (!specs.length) return;
  await rows(db, `
    SELECT count(*) FROM graphile_worker.add_jobs(ARRAY(
      SELECT json_populate_record(NULL::graphile_worker.job_spec, x) FROM json_array_elements($1::json) x
    ))`, [JSON.stringify(specs.map((s) => jobSpecRecord(s)))]);
}

/** Removes jobs by key; a job running right now keeps running but will not be retried. */
export async function removeJobs(db: Queryable, keys: string[]): Promise<void> {
  if (!keys.length) return;
  await rows(db, 'SELECT count(*) FROM unnest($1::text[]) k, LATERAL graphile_worker.remove_job(k) r', [keys]);
}
