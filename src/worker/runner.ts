// Runs graphile-worker inside this process (in `serve`, and alone in `worker`), with a heartbeat for crash recovery.
import { EventEmitter } from 'node:events';
import { run, type Runner, type TaskList } from 'graphile-worker';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { quietLogger } from '../db/data-source.js';
import { startHeartbeat, type Heartbeat } from './heartbeat.js';
import { nudgeAfterQueuedJobs } from './queue-nudge.js';

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
   * More graphile-worker settings, in its preset format, e.g. `{ worker: { completeJobBatchDelay: 10 } }`. Unset:
   * no local queue, and completions batched without delay (see startPool). `concurrency` and `pollInterval` above
   * win over the same settings here. Danger: graphile-worker 0.17.3's `localQueue` runs jobs of one named
   * queue concurrently (graphile/worker#621), and webhook endpoint isolation relies on named queues running one
   * job at a time (src/webhooks/jobs.ts): do not enable it in production until that is fixed.
   */
  preset?: GraphileConfig.Preset;
  log?: (line: string) => void;
  /**
   * The connection pool to fetch and complete jobs through; by default one of its own (concurrency + 2 connections),
   * ended with the worker. A pool given here is shared (see pools.ts) and left to its owner to end.
   */
  pgPool?: pg.Pool;
}

export interface WorkerHandle {
  /** Finishes running jobs (or releases them) and stops; then stops the heartbeat. */
  stop(): Promise<void>;
}

export async function startWorker(opts: WorkerOptions): Promise<WorkerHandle> {
  const log = opts.log ?? ((l: string) => console.error(`[worker] ${l}`));
  // Our own pool, not one graphile-worker makes: its own pool is ended without waiting and loses its error handler
  // on release, so a connection closed during shutdown (or a database restart) would crash the process.
  const pool = opts.pgPool ?? workerPgPool(opts.connectionString, opts.concurrency + 2, log);
  let stopping = false;

  // Danger: graphile-worker (0.17) records the end of a job without awaiting it unless completions are batched, so
  // losing the database at that moment (a restart, a failover) is an unhandled rejection that kills the process.
  // Batched (a delay of 0 ms: no wait), the failure reaches its error handler instead, which shuts the worker pool
  // down; so does a worker that dies. Such a pool holds jobs it will never finish and may hang in its shutdown, so we
  // do not wait for it: we stop its heartbeat (leaving the row to go stale, so the reaper of a live pool releases its
  // jobs within a minute, as for a crashed process) and start a new pool at once.
  const abandoned: Runner[] = [];
  async function startPool(): Promise<{ runner: Runner; heartbeat: Heartbeat }> {
    const events = new EventEmitter();
    const heartbeat = startHeartbeat({ ds: opts.ds, events, ...opts.heartbeat, log });
    nudgeAfterQueuedJobs(events);
    let runner: Runner | null = null;
    let dead = false;
    const died = (why: string) => {
      if (dead || stopping) return;
      dead = true;
      if (runner) abandoned.push(runner);
      void replace(heartbeat, why);
    };
    events.on('pool:gracefulShutdown', ({ message }: { message?: string }) => died(message ?? 'shutdown'));
    try {
      runner = await run({
        pgPool: pool,
        concurrency: opts.concurrency,
        taskList: opts.taskList,
        crontab: opts.crontab ?? '',
        // Signals are ours: shutdown is ordered (HTTP, then worker, then pools, then Postgres).
        noHandleSignals: true,
        pollInterval: opts.pollInterval ?? 1000,
        logger: quietLogger,
        events,
        preset: { ...opts.preset, worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0, ...opts.preset?.worker } },
      });
      void runner.promise.catch(() => {}).then(() => died('the runner stopped'));
      return { runner, heartbeat };
    } catch (err) {
      await heartbeat.stop();
      throw err;
    }
  }

  async function replace(dead: Heartbeat, why: string): Promise<void> {
    dead.abandon();
    log(`the worker pool shut down by itself (${why}); starting a new one. The jobs it held are released once its heartbeat is stale.`);
    for (let wait = 1000; !stopping; wait = Math.min(wait * 2, 30_000)) {
      try {
        const next = await startPool();
        if (stopping) await next.runner.stop().finally(() => next.heartbeat.stop());
        else current = next;
        return;
      } catch (err) {
        log(`could not start a new worker pool yet (${err instanceof Error ? err.message : String(err)}); trying again in ${wait / 1000} s`);
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  let current = await startPool();
  let stopped: Promise<void> | undefined;
  return {
    // Once: a second call (a test's cleanup after its own) waits for the first.
    stop: () => (stopped ??= (async () => {
      stopping = true;
      await current.runner.stop().catch((err) => log(`stopping the worker pool: ${String(err)}`));
      await current.heartbeat.stop();
      // Pools that shut down by themselves: make sure none is left half-way (bounded: they may be stuck).
      await Promise.race([Promise.allSettled(abandoned.map((r) => r.kill())), new Promise((resolve) => setTimeout(resolve, 6000).unref())]);
      if (!opts.pgPool) await pool.end();
    })()),
  };
}

/** A pool for graphile-worker's own queries, whose connection errors (a database restart) are logged, not thrown. */
export function workerPgPool(connectionString: string, max: number, log: (line: string) => void): pg.Pool {
  const pool = new pg.Pool({ connectionString, max, application_name: 'bookflow-worker' });
  const logPoolError = (err: Error) => log(`worker pool: ${err.message}`);
  pool.on('error', logPoolError);
  pool.on('connect', (client) => client.on('error', logPoolError));
  return pool;
}
