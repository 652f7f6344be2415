// GET /api/status: is anything holding this tenant's workflows back? Whether a worker is running (a `serve` without
// workers runs no workflow and sends nothing: the quietest failure there is), how much of this tenant's work is
// waiting and for how long, and whether email and SMS go out or are only kept in the outbox. The admin UI polls it
// and says so in a banner. Worker liveness is the service's, not tenant data; the queue figures are this tenant's.
// The jobs are read from graphile-worker's own table (its public `jobs` view has no payload, where the tenant is):
// test/api/status.test.ts fails if an upgrade changes it.
import { one } from '../../db/sql.js';
import { payloadNames } from '../../worker/jobs.js';
import { defineRoute, type RouteSpec } from '../route.js';
import * as S from '../schemas.js';

/** A worker process is alive while its heartbeat is younger than this (the reaper's default, src/worker/heartbeat.ts). */
const ALIVE_WITHIN_S = 30;

const status = S.object({
  workers: S.object({ running: { type: 'integer' }, lastSeen: { type: ['string', 'null'] } }),
  queue: S.object({
    due: { type: 'integer', description: "this tenant's jobs that are due and not yet taken" },
    oldestDueSeconds: { type: ['integer', 'null'], description: 'how long the oldest of them has been waiting' },
  }),
  delivery: S.object({ email: { type: 'boolean' }, sms: { type: 'boolean' } }),
});

export const statusRoutes: RouteSpec[] = [
  defineRoute({
    method: 'get', path: '/status', tag: 'Settings', access: 'admin',
    summary: 'Whether workers run, how late this tenant\'s work is, and whether email and SMS are sent or only kept',
    responses: { 200: { description: 'the status', schema: status } },
    handler: async ({ deps, tenantId }) => {
      const r = (await one<{ running: number; last_seen: Date | null; due: number; oldest: number | null }>(deps.ds, `
        SELECT (SELECT count(DISTINCT (hostname, pid))::int FROM worker_heartbeats WHERE last_seen > now() - make_interval(secs => $2)) AS running, -- processes (each beats per pool)
               (SELECT max(last_seen) FROM worker_heartbeats) AS last_seen,
               count(j.id)::int AS due,
               floor(extract(epoch FROM now() - min(j.run_at)))::int AS oldest
        FROM graphile_worker._private_jobs j
        -- is_available: not locked, attempts left (graphile-worker's own index covers due, available jobs). A batch job
        -- (a list of steps, see run-step.ts) counts for each tenant it holds work of.
        WHERE j.is_available AND j.run_at <= now() AND ${payloadNames('j.payload', 'tenantId', '$1')}`,
      [tenantId, ALIVE_WITHIN_S]))!;
      return {
        body: {
          workers: { running: r.running, lastSeen: r.last_seen ? new Date(r.last_seen).toISOString() : null },
          queue: { due: r.due, oldestDueSeconds: r.due ? Math.max(0, r.oldest ?? 0) : null },
          delivery: { email: deps.transports.mailer.configured, sms: deps.transports.sms.configured },
        },
      };
    },
  }),
];
