// Runs graphile-worker inside this process (in `serve`, and alone in `worker`), with a heartbeat for crash recovery.
import { EventEmitter } from 'node:events';
import { run, type TaskList } from 'graphile-worker';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { quietLogger } from '../db/data-source.js';
import { startHeartbeat } from './heartbeat.js';

export interface WorkerOptions {
  ds: DataSource;
  connectionString: string;
  concurrency: number;
  taskList: TaskList;
  crontab?: string;
  /** How often to look for scheduled jobs whose time came (ms). New jobs are picked up at once via LISTEN. */
  pollInterval?: number;
  heartbeat?: { intervalMs?: number; staleAfterMs?: number };
  /**
   * graphile-worker settings in its preset format, e.g. `{ worker: { localQueue: { size: 16 }, completeJobBatchDelay: 0 } }`
   * (see workerBatching). Unset: graphile-worker's defaults (no local queue, every job completed on its own).
   * `concurrency` and `pollInterval` above win over the same settings here.
   */
  preset?: GraphileConfig.Preset;
  log?: (line: string) => void;
}

/**
 * The batching preset: a local queue of `localQueueSize` jobs fetched (and locked) per query, and completions and
 * failures of jobs that finish together written in one statement. Null (the default) keeps graphile-worker's
 * one-job-at-a-time behaviour. Danger: with a local queue, jobs wait locked in this process; if it is killed they
 * stay locked until the heartbeat reaper (./heartbeat.ts) releases them, which it does by the pool's id.
 */
export function workerBatching(localQueueSize: number | null): GraphileConfig.Preset | undefined {
  if (localQueueSize === null || localQueueSize < 2) return undefined;
  return { worker: { localQueue: { size: localQueueSize }, completeJobBatchDelay: 0, failJobBatchDelay: 0 } };
}

export interface WorkerHandle {
  /** Finishes running jobs (or releases them) and stops; then stops the heartbeat. */
  stop(): Promise<void>;
}

export async function startWorker(opts: WorkerOptions): Promise<WorkerHandle> {
  const events = new EventEmitter();
  const heartbeat = startHeartbeat({ ds: opts.ds, events, ...opts.heartbeat, log: opts.log ?? ((l) => console.error(`[worker] ${l}`)) });
  // Our own pool, not one graphile-worker makes: its own pool is ended without waiting and loses its error handler
  // on release, so a connection closed during shutdown (or a database restart) would crash the process.
  const pool = new pg.Pool({ connectionString: opts.connectionString, max: opts.concurrency + 2, application_name: 'bookflow-worker' });
  const logPoolError = (err: Error) => (opts.log ?? console.error)(`worker pool: ${err.message}`);
  pool.on('error', logPoolError);
  pool.on('connect', (client) => client.on('error', logPoolError));
  const runner = await run({
    pgPool: pool,
    concurrency: opts.concurrency,
    taskList: opts.taskList,
    crontab: opts.crontab ?? '',
    // Signals are ours: shutdown is ordered (HTTP, then worker, then pools, then Postgres).
    noHandleSignals: true,
    pollInterval: opts.pollInterval ?? 1000,
    logger: quietLogger,
    events,
    ...(opts.preset ? { preset: opts.preset } : {}),
  });
  return {
    async stop() {
      await runner.stop();
      await heartbeat.stop();
      await pool.end();
    },
  };
}
