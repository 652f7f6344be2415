// The explicit lists of triggers and actions, with their config validators compiled once.
// Two modules claiming one `type` stop the boot: a persisted type must mean exactly one thing.
import type { ValidateFunction } from 'ajv';
import { actions as actionList } from '../../actions/index.js';
import { triggers as triggerList } from '../../triggers/index.js';
import { bodyAjv } from '../api/validate.js';
import type { EventType } from '../domain/events.js';
import type { ActionModule, TriggerModule } from './contracts.js';

export interface Registered<M> {
  module: M;
  validate: ValidateFunction;
}

function index<M extends { type: string; configSchema: object }>(list: M[], what: string): Map<string, Registered<M>> {
  const out = new Map<string, Registered<M>>();
  for (const m of list) {
    if (out.has(m.type)) throw new Error(`two ${what}s claim the type "${m.type}"; each persisted type must be unique`);
    out.set(m.type, { module: m, validate: bodyAjv.compile(m.configSchema) });
  }
  return out;
}

export const triggers = index<TriggerModule<any>>(triggerList, 'trigger');
export const actions = index<ActionModule<any>>(actionList, 'action');

/** Trigger types that listen to each event type: what dispatch looks workflows up by. */
const byEvent = new Map<string, string[]>();
for (const { module: t } of triggers.values()) {
  for (const e of t.listensTo) byEvent.set(e, [...(byEvent.get(e) ?? []), t.type]);
}
export const triggerTypesFor = (eventType: EventType | string): string[] => byEvent.get(eventType) ?? [];

export const isTimed = (t: TriggerModule<any>): boolean => typeof t.schedule === 'function';
export const timedTriggerTypes = [...triggers.values()].filter((t) => isTimed(t.module)).map((t) => t.module.type);
