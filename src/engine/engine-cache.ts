// One workflow cache per database (a process may talk to several, as the tests do).
import type { DataSource } from 'typeorm';
import { WorkflowCache } from './cache.js';

const caches = new WeakMap<DataSource, WorkflowCache>();

export function cacheFor(ds: DataSource): WorkflowCache {
  let c = caches.get(ds);
  if (!c) {
    c = new WorkflowCache();
    caches.set(ds, c);
  }
  return c;
}
