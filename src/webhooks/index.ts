// Webhook subscriptions: tenants' endpoints that receive every recorded event they subscribe to over HTTP.
//
// Terminology
//   subscription  a tenant's endpoint: a URL, the event types it wants (or "*"), filters, and a signing secret.
//                 The API calls it a webhook (`/api/webhooks/:id`); its id is `webhookId` on deliveries.
//   delivery      one event (or test) for one subscription: the body is fixed when the event is dispatched; its id is
//                 the `webhook-id` header, the same on every attempt, retry and replay.
//   attempt       one HTTP request of a delivery, signed afresh; logged with its time, status, duration and answer.
//   series        the attempts of a delivery from its first attempt (or a replay) along the retry schedule.
//   batch         what one webhook_deliver job sends: its own delivery and other due deliveries of the same endpoint,
//                 whose jobs it holds back meanwhile (a lease: they run by themselves if the batch never records).
//
// An event's way: dispatch_event -> fanOut (one statement: deliveries, their jobs, the dispatch mark) -> webhook_deliver
// (one attempt of each delivery in its batch, each endpoint in its own job queue) -> success, a retry at a later
// run_at, or failure; a 410 or 5 days of failures disable the endpoint and record `webhook.endpoint_disabled`.
import type { TaskList } from 'graphile-worker';
import { DEFAULT_WEBHOOK_RETRY_SCHEDULE } from '../config.js';
import { onDispatch } from '../engine/dispatch.js';
import type { EngineOptions } from '../engine/index.js';
import { deliver } from './deliver.js';
import { fanOut } from './fanout.js';
import { WEBHOOK_DELIVER_TASK } from './jobs.js';
import './default-workflow.js';

onDispatch(fanOut);

export interface WebhookTaskOptions {
  /** config.webhookRetrySchedule (BOOKFLOW_WEBHOOK_RETRY_SCHEDULE); default DEFAULT_WEBHOOK_RETRY_SCHEDULE. */
  webhookRetrySchedule?: readonly number[];
}

export function webhookTasks(deps: EngineOptions & WebhookTaskOptions): TaskList {
  const d = { ds: deps.ds, http: deps.transports.http, retrySchedule: deps.webhookRetrySchedule ?? DEFAULT_WEBHOOK_RETRY_SCHEDULE };
  return { [WEBHOOK_DELIVER_TASK]: (payload) => deliver(d, payload) };
}

export { WEBHOOK_DELIVER_TASK } from './jobs.js';
