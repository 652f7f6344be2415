// Runs graphile-worker inside this process (in `serve`, and alone in `worker`).
import { run, type Runner, type TaskList } from 'graphile-worker';
import { quietLogger } from '../db/data-source.js';

export interface WorkerOptions {
  connectionString: string;
  concurrency: number;
  taskList: TaskList;
  crontab?: string;
  /** How often to look for scheduled jobs whose time came (ms). New jobs are picked up at once via LISTEN. */
  pollInterval?: number;
}

export async function startWorker(opts: WorkerOptions): Promise<Runner> {
  return run({
    connectionString: opts.connectionString,
    concurrency: opts.concurrency,
    maxPoolSize: opts.concurrency + 2,
    taskList: opts.taskList,
    crontab: opts.crontab ?? '',
    // Signals are ours: shutdown is ordered (HTTP, then worker, then pools, then Postgres).
    noHandleSignals: true,
    pollInterval: opts.pollInterval ?? 1000,
    logger: quietLogger,
  });
}
