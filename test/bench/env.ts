// What every benchmark shares: one database, one set of worker settings (the same for the raw graphile-worker
// baselines and for Bookflow), scale knobs from the environment, and small measuring helpers.
//
// Benchmarks never assert on timings: they print figures, and whether each issue's target was met.
import type { TaskList } from 'graphile-worker';
import type { DataSource } from 'typeorm';
import { loadConfig, type Config } from '../../src/config.js';
import { rows } from '../../src/db/sql.js';
import { createTransports } from '../../src/engine/transports.js';
import type { Transports } from '../../src/engine/index.js';
import { startWorker, type WorkerHandle } from '../../src/worker/runner.js';
import { taskList } from '../../src/worker/tasks.js';

/** An integer knob from the environment (BENCH_*), with its default: what the issues ask for. */
export function knob(name: string, dflt: number, min = 0): number {
  const v = process.env[name];
  if (v === undefined || v.trim() === '') return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new Error(`${name}=${JSON.stringify(v)} must be a number of at least ${min}`);
  return n;
}

/** graphile-worker settings shared by every worker of the run, baselines included. */
export interface WorkerSettings {
  concurrency: number;
  /** graphile-worker's localQueue.size (jobs fetched and locked per query); below 2: no local queue. */
  localQueueSize: number;
  /** completeJobBatchDelay and failJobBatchDelay (ms): completions within this window go in one statement; -1: off. */
  batchDelayMs: number;
  /** How often the worker looks for jobs whose run_at came (new jobs arrive through LISTEN at once). */
  pollIntervalMs: number;
}

export function workerSettings(): WorkerSettings {
  return {
    concurrency: knob('BENCH_CONCURRENCY', 8),
    localQueueSize: knob('BENCH_LOCAL_QUEUE_SIZE', 32),
    batchDelayMs: knob('BENCH_BATCH_DELAY_MS', 10, -1),
    pollIntervalMs: knob('BENCH_POLL_INTERVAL_MS', 200),
  };
}

export interface Bench {
  ds: DataSource;
  databaseUrl: string;
  worker: WorkerSettings;
  log(line: string): void;
  /** A Bookflow configuration for this database; `env` adds variables (SMTP_URL, ...). */
  config(env?: Record<string, string>): Config;
  /** Starts a graphile-worker through Bookflow's runner with the shared settings. */
  startWorker(tasks: TaskList): Promise<WorkerHandle>;
  /** Bookflow's own task list with transports built from `config`. Close `transports.mailer` when done. */
  bookflowTasks(config: Config, extra?: { webhookRetrySchedule?: number[] }): { tasks: TaskList; transports: Transports };
}

export function createBench(ds: DataSource, databaseUrl: string, log: (line: string) => void): Bench {
  const worker = workerSettings();
  const b: Bench = {
    ds, databaseUrl, worker, log,
    config: (env = {}) => loadConfig({
      DATABASE_URL: databaseUrl, BOOKFLOW_ADMIN_KEY: 'bench-platform-key-0123456789', BOOKFLOW_WEBHOOK_ALLOW_PRIVATE: 'true',
      PUBLIC_URL: 'http://127.0.0.1:1', ...env,
    }),
    startWorker: (tasks) => startWorker({
      ds, connectionString: databaseUrl, concurrency: worker.concurrency, taskList: tasks, pollInterval: worker.pollIntervalMs,
      preset: {
        worker: {
          ...(worker.localQueueSize >= 2 ? { localQueue: { size: worker.localQueueSize } } : {}),
          completeJobBatchDelay: worker.batchDelayMs,
          failJobBatchDelay: worker.batchDelayMs,
        },
      },
      log: (l) => log(`worker: ${l}`),
    }),
    bookflowTasks(config, extra = {}) {
      const transports = createTransports(config);
      const tasks = taskList({
        ds, transports, publicUrl: config.publicUrl, lateGraceMs: config.lateGraceMinutes * 60_000,
        webhookRetrySchedule: extra.webhookRetrySchedule ?? config.webhookRetrySchedule,
      });
      return { tasks, transports };
    },
  };
  return b;
}

/** Polls `fn` until it returns true; throws after `timeoutMs` naming `what`. */
export async function until(fn: () => Promise<boolean>, opts: { what: string; timeoutMs: number; intervalMs?: number }): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${opts.what}`);
    await sleep(opts.intervalMs ?? 50);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Jobs of these tasks that are due now or were due (not future ones), or of all tasks. */
export async function dueJobs(ds: DataSource, tasks?: string[]): Promise<number> {
  const [r] = await rows<{ n: number }>(ds, `
    SELECT count(*)::int AS n FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
    WHERE j.run_at <= now() AND j.attempts < j.max_attempts AND ($1::text[] IS NULL OR t.identifier = ANY($1))`, [tasks ?? null]);
  return r.n;
}

/** Waits until no due job is left (future jobs, such as reminders not yet due, stay). */
export async function drained(ds: DataSource, opts: { what: string; timeoutMs: number; tasks?: string[] }): Promise<void> {
  await until(async () => (await dueJobs(ds, opts.tasks)) === 0, { what: opts.what, timeoutMs: opts.timeoutMs, intervalMs: 100 });
}

/** Deletes jobs of the given tasks (leftovers of a phase that must not leak into the next one). */
export async function deleteJobs(ds: DataSource, tasks: string[]): Promise<number> {
  const r = await rows<{ id: string }>(ds, `
    DELETE FROM graphile_worker._private_jobs j USING graphile_worker._private_tasks t
    WHERE t.id = j.task_id AND t.identifier = ANY($1) AND j.locked_at IS NULL RETURNING j.id`, [tasks]);
  return r.length;
}

/** Nearest-rank percentile of a sample (ms values in, ms out); null for an empty sample. */
export function percentile(sorted: number[], p: number): number | null {
  if (!sorted.length) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

export function summary(values: number[]): { n: number; p50: number | null; p95: number | null; p99: number | null; max: number | null } {
  const s = [...values].sort((a, b) => a - b);
  const r = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);
  return { n: s.length, p50: r(percentile(s, 50)), p95: r(percentile(s, 95)), p99: r(percentile(s, 99)), max: r(s.length ? s[s.length - 1] : null) };
}

export const perSecond = (n: number, ms: number): number => Math.round((n / (ms / 1000)) * 10) / 10;
export const ratio = (a: number, b: number): number => Math.round((a / b) * 1000) / 1000;

/** Samples this process's resident set size until stopped; returns the peak in MiB. */
export function rssSampler(intervalMs = 100): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const t = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, intervalMs);
  t.unref();
  return {
    stop() {
      clearInterval(t);
      peak = Math.max(peak, process.memoryUsage.rss());
      return Math.round(peak / 1024 / 1024);
    },
  };
}

/** Runs `fn` over `items` with at most `parallel` calls in flight. */
export async function pool<T>(items: T[], parallel: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, lane));
}
