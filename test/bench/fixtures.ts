// Bench data: tenants through the domain (so they get their default workflows and keys), catalog rows and
// customers in bulk SQL (their creation is not what is measured), workflows through the engine's own insert.
import type { DataSource } from 'typeorm';
import { transaction } from '../../src/db/sql.js';
import { generateSecret } from '../../src/delivery/signing.js';
import { newId } from '../../src/domain/ids.js';
import { createTenant } from '../../src/domain/tenants.js';
import { actions } from '../../src/engine/registry.js';
import { insertWorkflow, normalize, type WorkflowInput } from '../../src/engine/workflows.js';
import { deleteJobs } from './env.js';

export interface BenchTenant {
  id: string;
  apiKey: string;
  locationId: string;
  serviceId: string;
  resourceIds: string[];
  customerIds: string[];
}

/** A tenant with one location, one service, `resources` resources and `customers` customers. */
export async function benchTenant(ds: DataSource, id: string, opts: { resources: number; customers: number; capacity?: number }): Promise<BenchTenant> {
  const t = await createTenant(ds, { id, name: `Bench ${id}`, adminEmail: `admin@${id}.example` });
  await ds.query("INSERT INTO locations (tenant_id, id, name, timezone) VALUES ($1, 'loc-1', 'Main', 'Europe/Oslo')", [id]);
  await ds.query("INSERT INTO services (tenant_id, id, name, duration_minutes) VALUES ($1, 'svc-1', 'Hour', 60)", [id]);
  await ds.query(`
    INSERT INTO resources (tenant_id, id, name, location_id, capacity, email)
    SELECT $1, 'r-' || i, 'Court ' || i, 'loc-1', $3, 'court' || i || '@example.com' FROM generate_series(1, $2) i`,
  [id, opts.resources, opts.capacity ?? 1]);
  await ds.query(`
    INSERT INTO customers (tenant_id, id, name, email, phone, language)
    SELECT $1, 'm-' || i, 'Member ' || i, 'm' || i || '@' || $1 || '.example', '+4790' || lpad(i::text, 6, '0'), 'en'
    FROM generate_series(1, $2) i`, [id, opts.customers]);
  return {
    id, apiKey: t.apiKey, locationId: 'loc-1', serviceId: 'svc-1',
    resourceIds: Array.from({ length: opts.resources }, (_, i) => `r-${i + 1}`),
    customerIds: Array.from({ length: opts.customers }, (_, i) => `m-${i + 1}`),
  };
}

/**
 * Saves workflows through the engine (validation, secrets, version bump), many per transaction. Each save schedules
 * a reconcile_workflow job for time-offset triggers; made before any booking exists they have nothing to do, so
 * they are removed here rather than run.
 */
export async function saveWorkflows(ds: DataSource, tenantId: string, inputs: WorkflowInput[]): Promise<void> {
  for (let i = 0; i < inputs.length; i += 500) {
    const chunk = inputs.slice(i, i + 500).map((w) => normalize(w));
    await transaction(ds, async (tx) => {
      for (const doc of chunk) await insertWorkflow(tx, tenantId, doc);
    });
  }
  await deleteJobs(ds, ['reconcile_workflow']);
}

/**
 * Thousands of event-triggered workflows in one statement: each validated with the engine's normalize() and given
 * the per-step secrets its actions declare, as insertWorkflow would, then one workflows_version bump. Only for
 * triggers without a schedule (no reminders to reconcile) on a tenant that is not being dispatched meanwhile.
 */
export async function bulkWorkflows(ds: DataSource, tenantId: string, inputs: WorkflowInput[]): Promise<void> {
  const docs = inputs.map((input) => {
    const doc = normalize(input);
    const secrets: Record<string, Record<string, string>> = {};
    for (const step of doc.actions) {
      for (const name of actions.get(step.type)!.module.secrets ?? []) (secrets[step.id] ??= {})[name] = generateSecret();
    }
    return {
      id: newId('wf'), name: doc.name, description: doc.description ?? null,
      enabled: doc.enabled, trigger_type: doc.trigger.type, trigger_config: doc.trigger.config, filters: doc.filters, actions: doc.actions, secrets,
    };
  });
  await transaction(ds, async (tx) => {
    for (let i = 0; i < docs.length; i += 2000) {
      await tx.query(`
        INSERT INTO workflows (tenant_id, id, name, description, enabled, trigger_type, trigger_config, filters, actions, secrets)
        SELECT $1, d.id, d.name, d.description, d.enabled, d.trigger_type, d.trigger_config, d.filters, d.actions, d.secrets
        FROM jsonb_to_recordset($2::jsonb) AS d(id text, name text, description text, enabled boolean, trigger_type text,
          trigger_config jsonb, filters jsonb, actions jsonb, secrets jsonb)`, [tenantId, JSON.stringify(docs.slice(i, i + 2000))]);
    }
    await tx.query('UPDATE tenants SET workflows_version = workflows_version + 1 WHERE id = $1', [tenantId]);
  });
}

export const webhookStep = (url: string) => ({ type: 'webhook', config: { url } });

/** Non-overlapping one-hour slots: the k-th booking of a resource starts `k` hours after `base`. */
export function slot(base: number, k: number): { startTime: string; endTime: string } {
  return { startTime: new Date(base + k * 3_600_000).toISOString(), endTime: new Date(base + k * 3_600_000 + 3_000_000).toISOString() };
}
