// Named job queues run one job at a time (webhook deliveries use one queue per endpoint). graphile-worker unlocks a
// queue when it records the end of its job, which it does after the worker has already asked for its next job; no
// notification follows the unlock, so the queue's next job waits for some idle worker's next poll (pollInterval,
// 1 s by default). A backlog on one endpoint then drained at a few deliveries per second. So when a job of a named
// queue ends, we wake idle workers again a little later, by when its end has been written: each idle worker asks
// once more (one cheap query); busy workers are not disturbed, and nothing else changes.
import type { EventEmitter } from 'node:events';
import type { WorkerPool } from 'graphile-worker';

/** When to wake idle workers after a queued job ended (ms): the recorded end has usually committed by the first. */
const NUDGE_AFTER_MS = [5, 50];

export function nudgeAfterQueuedJobs(events: EventEmitter): void {
  let pool: WorkerPool | null = null;
  events.on('pool:create', ({ workerPool }: { workerPool: WorkerPool }) => {
    pool = workerPool;
  });
  events.on('job:complete', ({ job }: { job: { job_queue_id: number | null } }) => {
    if (job.job_queue_id === null || job.job_queue_id === undefined) return;
    for (const ms of NUDGE_AFTER_MS) {
      setTimeout(() => {
        if (!pool?._active || pool._shuttingDown) return;
        try {
          pool.nudge(1);
        } catch {
          // A worker that ended meanwhile refuses the nudge; the others still poll, so nothing is lost.
        }
      }, ms).unref();
    }
  });
}
