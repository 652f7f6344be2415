// Every graphile-worker task of this process. A task is a plain function of (payload, helpers); payloads carry
// ids, not objects (jobs outlive deploys), and are validated when read. Task names are persisted: never rename one.
import type { TaskList } from 'graphile-worker';
import { engineTasks, type EngineOptions } from '../engine/index.js';

export type WorkerDeps = EngineOptions;

export function taskList(deps: WorkerDeps, extra: TaskList = {}): TaskList {
  return { ...engineTasks(deps), ...extra };
}
