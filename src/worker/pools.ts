// The worker pools of a process. Webhook deliveries wait on other systems' endpoints (up to 15 s an attempt, and an
// endpoint that hangs takes all of it), so they run in a pool of their own: however many endpoints hang, the slots
// that dispatch events, run workflow steps (emails, texts, reminders) and fill the waitlist stay free. Each pool has
// its own graphile-worker runner and heartbeat; a runner only takes jobs of the tasks it is given.
import { WEBHOOK_DELIVER_TASK } from '../webhooks/jobs.js';
import { startWorker, type WorkerHandle, type WorkerOptions } from './runner.js';

export async function startWorkers(opts: WorkerOptions & { webhookConcurrency: number }): Promise<WorkerHandle> {
  const { [WEBHOOK_DELIVER_TASK]: deliver, ...rest } = opts.taskList;
  const main = await startWorker({ ...opts, taskList: rest });
  if (!deliver) return main;
  let webhooks: WorkerHandle;
  try {
    webhooks = await startWorker({ ...opts, concurrency: opts.webhookConcurrency, taskList: { [WEBHOOK_DELIVER_TASK]: deliver }, crontab: undefined });
  } catch (err) {
    await main.stop();
    throw err;
  }
  return { stop: async () => { await Promise.all([webhooks.stop(), main.stop()]); } };
}
