// Every graphile-worker task of this process. A task is a plain function of (payload, helpers); payloads carry
// ids, not objects (jobs outlive deploys), and are validated when read. Task names are persisted: never rename one.
import type { TaskList } from 'graphile-worker';
import { engineTasks, type EngineOptions } from '../engine/index.js';
import { webhookTasks, type WebhookTaskOptions } from '../webhooks/index.js';
import { waitlistTasks, WAITLIST_CRONTAB } from '../waitlist/index.js';

export type WorkerDeps = EngineOptions & WebhookTaskOptions;

export function taskList(deps: WorkerDeps, extra: TaskList = {}): TaskList {
  return { ...engineTasks(deps), ...webhookTasks(deps), ...waitlistTasks(deps.ds), ...extra };
}

/** Recurring jobs (graphile-worker crontab): the waitlist reconciler, every minute. */
export const crontab = [WAITLIST_CRONTAB].join('\n');
