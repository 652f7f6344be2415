// What every benchmark shares: one database, one set of worker settings (the same for the raw graphile-worker
// baselines and for Bookflow), scale knobs from the environment, and small measuring helpers.
//
// Benchmarks never assert on timings: they print figures, and whether each issue's target was met.
import fs from 'node:fs';
import inspector from 'node:inspector/promises';
import path from 'node:path';
import type { TaskList } from 'graphile-worker';
import type { DataSource } from 'typeorm';
import { loadConfig, type Config } from '../../src/config.js';
import { rows } from '../../src/db/sql.js';
import { createTransports } from '../../src/engine/transports.js';
import type { Transports } from '../../src/engine/index.js';
import { startWorker, type WorkerHandle } from '../../src/worker/runner.js';
import { taskList } from '../../src/worker/tasks.js';

/** A number from the environment (BENCH_*), with its default: what the issues ask for. */
export function knob(name: string, dflt: number, min = 0): number {
  const v = process.env[name];
  if (v === undefined || v.trim() === '') return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new Error(`${name}=${JSON.stringify(v)} must be a number of at least ${min}`);
  return n;
}

/** graphile-worker settings shared by every worker of the run, baselines included. */
export interface WorkerSettings {
  /** Jobs run at once (8: BOOKFLOW_WORKER_CONCURRENCY's default). */
  concurrency: number;
  /** graphile-worker's localQueue.size (jobs fetched and locked per query); below 2: no local queue. (32: four per slot) */
  localQueueSize: number;
  /** completeJobBatchDelay and failJobBatchDelay (ms): completions within this window go in one statement; -1: off. (0, as Bookflow) */
  batchDelayMs: number;
  /** How often the worker looks for jobs whose run_at came (new jobs arrive through LISTEN at once). (1000, as Bookflow) */
  pollIntervalMs: number;
}

export function workerSettings(): WorkerSettings {
  return {
    concurrency: knob('BENCH_CONCURRENCY', 8),
    localQueueSize: knob('BENCH_LOCAL_QUEUE_SIZE', 32),
    batchDelayMs: knob('BENCH_BATCH_DELAY_MS', 0, -1),
    pollIntervalMs: knob('BENCH_POLL_INTERVAL_MS', 1000),
  };
}

export interface Bench {
  ds: DataSource;
  databaseUrl: string;
  worker: WorkerSettings;
  log(line: string): void;
  /** A Bookflow configuration for this database; `env` adds variables (SMTP_URL, ...). */
  config(env?: Record<string, string>): Config;
  /** Starts a graphile-worker through Bookflow's runner with the shared settings (or, for a labelled extra, others). */
  startWorker(tasks: TaskList, override?: Partial<WorkerSettings>): Promise<WorkerHandle>;
  /** Bookflow's own task list with transports built from `config`. Close `transports.mailer` when done. */
  bookflowTasks(config: Config, extra?: { webhookRetrySchedule?: number[] }): { tasks: TaskList; transports: Transports };
  /** With BENCH_CPU_PROFILE=<dir>: a CPU profile of this process from now until stop, written as <dir>/<name>.cpuprofile. */
  profile(name: string): Promise<{ stop(): Promise<void> }>;
}

export function createBench(ds: DataSource, databaseUrl: string, log: (line: string) => void): Bench {
  const worker = workerSettings();
  const b: Bench = {
    ds, databaseUrl, worker, log,
    config: (env = {}) => loadConfig({
      DATABASE_URL: databaseUrl, BOOKFLOW_ADMIN_KEY: 'bench-platform-key-0123456789', BOOKFLOW_WEBHOOK_ALLOW_PRIVATE: 'true',
      PUBLIC_URL: 'http://127.0.0.1:1', ...env,
    }),
    startWorker: (tasks, override = {}) => {
      const w = { ...worker, ...override };
      return startWorker({
        ds, connectionString: databaseUrl, concurrency: w.concurrency, taskList: tasks, pollInterval: w.pollIntervalMs,
        preset: {
          worker: {
            ...(w.localQueueSize >= 2 ? { localQueue: { size: w.localQueueSize } } : {}),
            completeJobBatchDelay: w.batchDelayMs,
            failJobBatchDelay: w.batchDelayMs,
          },
        },
        log: (l) => log(`worker: ${l}`),
      });
    },
    bookflowTasks(config, extra = {}) {
      const transports = createTransports(config);
      const tasks = taskList({
        ds, transports, publicUrl: config.publicUrl, lateGraceMs: config.lateGraceMinutes * 60_000,
        webhookRetrySchedule: extra.webhookRetrySchedule ?? config.webhookRetrySchedule,
      });
      return { tasks, transports };
    },
    async profile(name) {
      const dir = process.env.BENCH_CPU_PROFILE;
      if (!dir) return { stop: async () => {} };
      const session = new inspector.Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
      return {
        async stop() {
          const { profile } = await session.post('Profiler.stop');
          fs.mkdirSync(dir, { recursive: true });
          fs.writeFileSync(path.join(dir, `${name.replace(/[^\w-]+/g, '_')}.cpuprofile`), JSON.stringify(profile));
          session.disconnect();
        },
      };
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

/**
 * Refreshes the planner's statistics once a benchmark's data is in place, as autovacuum would soon after. Danger
 * (found by this bench, see the report): while a tenant's rows are missing from the statistics (it grew since the
 * last ANALYZE), Postgres may answer `WHERE tenant_id = $1 AND id = $2` through another (tenant_id, ...) index
 * instead of the primary key, reading every row of that tenant: figures about the bench's setup, not Bookflow's.
 */
export async function analyze(ds: DataSource): Promise<void> {
  await ds.query('ANALYZE');
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

/**
 * The round with the median `value` (the lower middle one for an even count), and every round's value: a benchmark
 * measured in several rounds reports its typical round, so one disturbed round (this machine is shared) neither makes
 * nor breaks a ratio.
 */
export function medianRound<T>(rounds: T[], value: (r: T) => number): T & { rounds: number[] } {
  if (!rounds.length) throw new Error('medianRound needs at least one round');
  const sorted = [...rounds].sort((x, y) => value(x) - value(y));
  return { ...sorted[Math.floor((sorted.length - 1) / 2)], rounds: rounds.map(value) };
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

/** utime + stime (ms) of the Postgres backends serving `database` right now (embedded or local server only). */
function backendCpuMs(database: string): Map<string, number> {
  const out = new Map<string, number>();
  const tick = 1000 / 100; // USER_HZ
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.startsWith('postgres: ') || !cmd.includes(` ${database} `)) continue;
      const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      out.set(pid, (Number(fields[11]) + Number(fields[12])) * tick);
    } catch {
      // the process ended meanwhile
    }
  }
  return out;
}

/**
 * CPU time spent by this process and by the database's backends between start and stop: a cost per event that,
 * unlike wall-clock throughput, hardly depends on what else the machine is doing. Backends that start and end
 * inside the window are missed (pools keep theirs open). postgresMs is null when the database is not on this host.
 */
export function cpuMeter(databaseUrl: string): { stop(): { nodeMs: number; postgresMs: number | null } } {
  const database = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  const local = ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(databaseUrl).hostname) && fs.existsSync('/proc/self/stat');
  const before = local ? backendCpuMs(database) : new Map<string, number>();
  const cpu0 = process.cpuUsage();
  return {
    stop() {
      const cpu = process.cpuUsage(cpu0);
      let pgMs: number | null = null;
      if (local) {
        pgMs = 0;
        for (const [pid, ms] of backendCpuMs(database)) pgMs += ms - (before.get(pid) ?? 0);
      }
      return { nodeMs: Math.round((cpu.user + cpu.system) / 1000), postgresMs: pgMs };
    },
  };
}

/** CPU ms per unit of work, split by side. */
export function cpuPer(c: { nodeMs: number; postgresMs: number | null }, n: number) {
  const r = (x: number) => Math.round((x / n) * 100) / 100;
  return { node: r(c.nodeMs), postgres: c.postgresMs === null ? null : r(c.postgresMs), total: c.postgresMs === null ? null : r(c.nodeMs + c.postgresMs) };
}
