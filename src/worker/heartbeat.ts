// Crash recovery. graphile-worker leaves the jobs of a killed worker locked for 4 hours before anyone may run them
// again. Each worker process therefore records a heartbeat (its pool and worker ids) every few seconds, and every
// live process releases the jobs of processes whose heartbeat went silent (graphile_worker.force_unlock_workers),
// so a crashed worker's jobs run again within about a minute instead of hours.
import type { EventEmitter } from 'node:events';
import os from 'node:os';
import type { DataSource } from 'typeorm';
import { rows, transaction } from '../db/sql.js';

export interface HeartbeatOptions {
  ds: DataSource;
  events: EventEmitter;
  /** How often this process writes its heartbeat (5 s). */
  intervalMs?: number;
  /** A process silent this long is presumed dead and its jobs are released (30 s). */
  staleAfterMs?: number;
  log?: (line: string) => void;
}

export interface Heartbeat {
  /** Stops beating and removes this process's row (call after the worker stopped). */
  stop(): Promise<void>;
  /**
   * Stops beating but leaves the row, for a worker pool that died (it lost the database): the reaper of a live pool
   * then releases the jobs it still holds after `staleAfterMs`, exactly as for a crashed process.
   */
  abandon(): void;
}

export function startHeartbeat(o: HeartbeatOptions): Heartbeat {
  const intervalMs = o.intervalMs ?? 5000;
  const staleAfterMs = o.staleAfterMs ?? 30_000;
  const ids = new Set<string>();
  let poolId: string | null = null;
  o.events.on('pool:create', ({ workerPool }: { workerPool: { id: string } }) => {
    poolId = workerPool.id;
    ids.add(workerPool.id); // with a local queue, jobs are locked by the pool's id
    void beat();
  });
  o.events.on('worker:create', ({ worker }: { worker: { workerId: string } }) => {
    ids.add(worker.workerId);
    void beat();
  });

  let stopped = false;
  let beating: Promise<void> = Promise.resolve();
  async function beat(): Promise<void> {
    if (stopped || !poolId) return;
    const run = async () => {
      await rows(o.ds, `
        INSERT INTO worker_heartbeats (pool_id, worker_ids, hostname, pid) VALUES ($1, $2, $3, $4)
        ON CONFLICT (pool_id) DO UPDATE SET worker_ids = EXCLUDED.worker_ids, last_seen = now()`,
      [poolId, [...ids], os.hostname(), process.pid]);
    };
    beating = beating.then(run, run).catch((err) => o.log?.(`heartbeat: ${String(err)}`));
    await beating;
  }

  async function reap(): Promise<void> {
    if (stopped) return;
    await transaction(o.ds, async (tx) => {
      const dead = await rows<{ pool_id: string; worker_ids: string[] }>(tx, `
        DELETE FROM worker_heartbeats WHERE last_seen < now() - make_interval(secs => $1) RETURNING pool_id, worker_ids`, [staleAfterMs / 1000]);
      const workerIds = dead.flatMap((d) => d.worker_ids);
      if (!workerIds.length) return;
      await rows(tx, 'SELECT graphile_worker.force_unlock_workers($1::text[])', [workerIds]);
      o.log?.(`released the jobs of ${dead.length} silent worker process(es): ${dead.map((d) => d.pool_id).join(', ')}`);
    }).catch((err) => o.log?.(`heartbeat reaper: ${String(err)}`));
  }

  const beatTimer = setInterval(() => void beat(), intervalMs);
  const reapTimer = setInterval(() => void reap(), Math.max(1000, Math.floor(staleAfterMs / 3)));
  beatTimer.unref();
  reapTimer.unref();
  void reap();

  return {
    abandon() {
      stopped = true;
      clearInterval(beatTimer);
      clearInterval(reapTimer);
    },
    async stop() {
      stopped = true;
      clearInterval(beatTimer);
      clearInterval(reapTimer);
      await beating;
      if (poolId) await rows(o.ds, 'DELETE FROM worker_heartbeats WHERE pool_id = $1', [poolId]).catch(() => {});
    },
  };
}
