// The worker pools of a process. Webhook deliveries and workflows' webhook steps wait on endpoints that tenants chose
// (up to 15 s an attempt, and an endpoint that hangs takes all of it), so they run in a pool of their own: however
// many endpoints hang, the slots that dispatch events, send emails and texts, fire reminders and fill the waitlist
// stay free. Each pool has its own graphile-worker runner and heartbeat; a runner only takes jobs of the tasks it is
// given.
import type { TaskList } from 'graphile-worker';
import { TASKS } from '../engine/runs.js';
import { WEBHOOK_DELIVER_TASK } from '../webhooks/jobs.js';
import { startWorker, workerPgPool, type WorkerHandle, type WorkerOptions } from './runner.js';

/** The tasks that wait on tenants' endpoints. */
const ENDPOINT_TASKS = [WEBHOOK_DELIVER_TASK, TASKS.runWebhookStep];

/**
 * Both runners fetch and complete their jobs through one connection pool (the main pool's concurrency + 4: the
 * delivery runner's slots wait on endpoints, not on the database), so a second pool adds no connections to count
 * against Postgres's limit: three processes with a pool each of their own ran out of them ("too many clients").
 */
export async function startWorkers(opts: WorkerOptions & { webhookConcurrency: number }): Promise<WorkerHandle> {
  const endpointTasks: TaskList = {};
  const rest: TaskList = { ...opts.taskList };
  for (const task of ENDPOINT_TASKS) {
    if (!rest[task]) continue;
    endpointTasks[task] = rest[task];
    delete rest[task];
  }
  if (!Object.keys(endpointTasks).length) return startWorker(opts);
  const log = opts.log ?? ((l: string) => console.error(`[worker] ${l}`));
  const pgPool = workerPgPool(opts.connectionString, opts.concurrency + 4, log);
  let main: WorkerHandle | null = null;
  try {
    main = await startWorker({ ...opts, pgPool, taskList: rest });
    const webhooks = await startWorker({ ...opts, pgPool, concurrency: opts.webhookConcurrency, taskList: endpointTasks, crontab: undefined });
    const running = main;
    let stopped: Promise<void> | undefined;
    return {
      // Once: a second call (a test's cleanup after its own) waits for the first.
      stop: () => (stopped ??= (async () => {
        await Promise.all([webhooks.stop(), running.stop()]);
        await pgPool.end();
      })()),
    };
  } catch (err) {
    await main?.stop();
    await pgPool.end();
    throw err;
  }
}
