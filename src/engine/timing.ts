// Offsets for the time-offset triggers (before start, after end) and their late policy.
import type { JSONSchema } from './contracts.js';

export interface Offset { amount: number; unit: 'minutes' | 'hours' | 'days' }
export type LatePolicy = 'send_now' | 'skip';

const UNIT_MS = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 } as const;

export const offsetSchema: JSONSchema = {
  type: 'object',
  title: 'Offset',
  properties: {
    amount: { type: 'integer', minimum: 0, maximum: 10000, title: 'Amount' },
    unit: { type: 'string', enum: ['minutes', 'hours', 'days'], title: 'Unit' },
  },
  required: ['amount', 'unit'],
  additionalProperties: false,
};

export const latePolicySchema: JSONSchema = {
  type: 'string',
  enum: ['send_now', 'skip'],
  default: 'skip',
  title: 'If the booking is made inside the window',
  'x-enum-titles': { send_now: 'Send at once', skip: 'Do not send (the run history says why)' },
  description: 'When a booking is made (or moved) after its moment has passed. Never a silent drop; a reminder is not sent for a booking that has begun.',
};

export const offsetMs = (o: Offset): number => o.amount * UNIT_MS[o.unit];

const zoneParts = new Map<string, Intl.DateTimeFormat>();

/** The UTC offset (ms) of `timeZone` at the instant `t` (an unknown zone counts as UTC). */
function zoneOffsetMs(t: number, timeZone: string): number {
  let f = zoneParts.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    } catch {
      return 0;
    }
    zoneParts.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(t)).map((x) => [x.type, Number(x.value)]));
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(t / 1000) * 1000;
}

/**
 * `at` moved by the offset, before it (sign -1) or after it (+1). Minutes and hours are elapsed time. Days are
 * calendar days at the wall clock of `timeZone` (the booking's location): "1 day before" a 10:00 booking is 10:00 the
 * day before, also across a daylight saving change, where 24 hours would be 09:00 or 11:00 there. A wall time that
 * does not exist that day (inside the spring-forward gap) moves forward by the gap, as clocks do.
 */
export function shiftBy(at: Date, o: Offset, sign: 1 | -1, timeZone: string): Date {
  if (o.unit !== 'days') return new Date(at.getTime() + sign * offsetMs(o));
  const wall = at.getTime() + zoneOffsetMs(at.getTime(), timeZone) + sign * o.amount * UNIT_MS.days;
  const first = wall - zoneOffsetMs(wall, timeZone);
  return new Date(wall - zoneOffsetMs(first, timeZone));
}

export function describeOffset(o: Offset): string {
  const unit = o.amount === 1 ? o.unit.replace(/s$/, '') : o.unit;
  return `${o.amount} ${unit}`;
}
