// graphile-worker tasks. A task is a plain function of (payload, helpers); payloads carry ids, not objects (jobs
// outlive deploys), and are validated when read: a job written by last month's code must still be understood.
import type { Task, TaskList } from 'graphile-worker';
import type { DataSource } from 'typeorm';
import { markDispatched } from '../domain/events.js';

export interface WorkerDeps {
  ds: DataSource;
}

/** Task names are persisted in the job table: never rename one. */
export const TASK = {
  dispatchEvent: 'dispatch_event',
} as const;

export class PayloadError extends Error {
  constructor(task: string, payload: unknown) {
    super(`${task}: payload ${JSON.stringify(payload)} is not one this version understands`);
    this.name = 'PayloadError';
  }
}

export function eventPayload(payload: unknown): { tenantId: string; eventId: string } {
  const p = payload as { tenantId?: unknown; eventId?: unknown };
  if (typeof p?.tenantId !== 'string' || typeof p?.eventId !== 'string') throw new PayloadError(TASK.dispatchEvent, payload);
  return { tenantId: p.tenantId, eventId: p.eventId };
}

export function taskList(deps: WorkerDeps, extra: TaskList = {}): TaskList {
  const dispatchEvent: Task = async (payload) => {
    const { tenantId, eventId } = eventPayload(payload);
    await markDispatched(deps.ds, tenantId, eventId);
  };
  return { [TASK.dispatchEvent]: dispatchEvent, ...extra };
}
