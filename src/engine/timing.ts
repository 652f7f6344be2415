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
  description: 'send_now: run at once; skip: record a skip (late:skip). Never a silent drop.',
};

export const offsetMs = (o: Offset): number => o.amount * UNIT_MS[o.unit];

export function describeOffset(o: Offset): string {
  const unit = o.amount === 1 ? o.unit.replace(/s$/, '') : o.unit;
  return `${o.amount} ${unit}`;
}
