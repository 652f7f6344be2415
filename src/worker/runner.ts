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
  log?: (line: string) => void;
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
  });
  return {
    async stop() {
      await runner.stop();
      await heartbeat.stop();
      await pool.end();
    },
  };
}
