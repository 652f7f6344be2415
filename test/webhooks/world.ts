// A Bookflow with SMTP, Twilio and webhook peers (test/helpers/engine.ts), whose worker gets the webhook retry schedule
// from the app's config (BOOKFLOW_WEBHOOK_RETRY_SCHEDULE in `env`), plus small helpers for the webhook tests.
import { expect } from 'chai';
import { rows } from '../../src/db/sql.js';
import { startWorkers } from '../../src/worker/pools.js';
import type { WorkerHandle } from '../../src/worker/runner.js';
import { taskList } from '../../src/worker/tasks.js';
import { createTransports } from '../../src/engine/transports.js';
import { deliveryJobKey } from '../../src/webhooks/jobs.js';
import type { Client } from '../helpers/client.js';
import { eventually, settled, startEngineWorld, type EngineWorld } from '../helpers/engine.js';
import { seedCatalog } from '../helpers/fixtures.js';

export interface WebhookWorld extends EngineWorld {
  worker: WorkerHandle;
}

export async function startWebhookWorld(opts: { env?: Record<string, string> } = {}): Promise<WebhookWorld> {
  const world = await startEngineWorld({ worker: false, env: opts.env });
  const { app } = world;
  const transports = createTransports(app.config);
  const worker = await startWorkers({
    ds: app.ds, connectionString: app.databaseUrl, concurrency: 4, webhookConcurrency: 4, pollInterval: 200, log: () => {},
    taskList: taskList({
      ds: app.ds, transports, publicUrl: app.config.publicUrl, lateGraceMs: app.config.lateGraceMinutes * 60_000,
      webhookRetrySchedule: app.config.webhookRetrySchedule,
    }),
  });
  return {
    ...world, worker,
    async stop() {
      await worker.stop();
      await transports.mailer.close();
      await world.stop();
    },
  };
}

/**
 * The fixture catalog, with its events dispatched: a subscription made afterwards must not receive the seed's
 * customer.created events (dispatch runs after the change, so it would otherwise race the subscription).
 */
export async function seed(w: EngineWorld, c: Client): Promise<void> {
  await seedCatalog(c);
  await settled(w.app);
}

export async function subscribe(c: Client, body: Record<string, unknown>): Promise<{ id: string; secret: string; url: string } & Record<string, any>> {
  const res = await c.post('/api/webhooks', { eventTypes: ['*'], ...body });
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return res.body;
}

export interface DeliveryJson {
  id: string; webhookId: string; eventId: string | null; eventType: string; sequence: number; status: string; attemptCount: number;
  nextAttemptAt: string | null; lastStatusCode: number | null; lastError: string | null; createdAt: string;
  attempts: { attempt: number; at: string; statusCode: number | null; durationMs: number | null; responseBody: string | null; errorCode: string | null; error: string | null }[];
  payload?: any;
}

export async function deliveries(c: Client, webhookId: string, query = ''): Promise<DeliveryJson[]> {
  const res = await c.get(`/api/webhooks/${webhookId}/deliveries${query}`);
  expect(res.status, JSON.stringify(res.body)).to.equal(200);
  return res.body.items;
}

/** Waits for a delivery of this subscription that matches. */
export function delivery(c: Client, webhookId: string, match: (d: DeliveryJson) => boolean, what = 'a delivery'): Promise<DeliveryJson> {
  return eventually(async () => (await deliveries(c, webhookId, '?limit=500')).find(match), 20_000, what);
}

/** The pending graphile-worker job of a delivery (its run_at and queue), if any. */
export async function jobOf(w: EngineWorld, tenantId: string, deliveryId: string): Promise<{ run_at: Date; queue_name: string | null } | undefined> {
  const [j] = await rows<{ run_at: Date; queue_name: string | null }>(w.app.ds, `
    SELECT j.run_at, q.queue_name FROM graphile_worker._private_jobs j
    LEFT JOIN graphile_worker._private_job_queues q ON q.id = j.job_queue_id
    WHERE j.key = $1`, [deliveryJobKey(tenantId, deliveryId)]);
  return j;
}

/**
 * Whether the delivery has no job left, waiting up to 5 s: the job that made the last attempt is completed by
 * graphile-worker just after the attempt was recorded, so right after it a job may still be there, locked. A retry
 * job stays, and makes this false.
 */
export async function noJobLeft(w: EngineWorld, tenantId: string, deliveryId: string): Promise<boolean> {
  return eventually(async () => (await jobOf(w, tenantId, deliveryId)) === undefined, 5000, 'the job to go').then(() => true, () => false);
}

/** Makes a delivery's scheduled retry due now (as if its time had come). */
export async function retryNow(w: EngineWorld, tenantId: string, deliveryId: string): Promise<void> {
  const [r] = await rows(w.app.ds, 'UPDATE graphile_worker._private_jobs SET run_at = now() WHERE key = $1 AND locked_at IS NULL RETURNING id',
    [deliveryJobKey(tenantId, deliveryId)]);
  expect(r, `a pending retry job for ${deliveryId}`).to.not.equal(undefined);
}

/** Body of a received webhook, typed loosely. */
export const bodyOf = (r: { body: unknown }): { type: string; timestamp: string; sequence: number; data: Record<string, any> } => r.body as never;
