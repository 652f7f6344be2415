// A tenant's waitlist settings: stored as a partial document, read merged over the defaults declared here.
import type { Queryable } from '../db/data-source.js';
import { one, rows } from '../db/sql.js';
import { notFound } from '../domain/errors.js';
import { object, type JSONSchema } from '../api/schemas.js';

export interface WaitlistSettings {
  /** Joining allowed (true). Turning it off keeps every entry's status and honours offers already made. */
  enabled: boolean;
  /** offer: hold the seat for the top entry until it answers (facility API); auto_assign: book it for them (waiting-list.md). */
  mode: 'offer' | 'auto_assign';
  /** How long an offer is held (60 minutes), clamped so no offer outlives the slot's start minus minLeadMinutes. */
  offerWindowMinutes: number;
  /** score: priorityScore desc, then join time, then id. fifo: waited longest first. (score) */
  priority: 'score' | 'fifo';
  /** Bonus points by membership tier, 0-50 each ({}). */
  tierBonus: Record<string, number>;
  /** Early-bird bonus: one point per whole day between joining and desiredStart, up to this cap (20). */
  earlyBirdCap: number;
  /** No offer outlives the slot's start minus this many minutes (15). */
  minLeadMinutes: number;
  /** A seat freed inside the lead time: skip (it is simply free) or auto_assign it. (skip) */
  lateFreedPolicy: 'skip' | 'auto_assign';
  /** A declining entry returns to ACTIVE (true) or becomes CANCELLED. */
  requeueOnDecline: boolean;
  /** An expired offer returns the entry to ACTIVE (false: it stays EXPIRED). */
  requeueOnExpiry: boolean;
}

export const DEFAULT_SETTINGS: WaitlistSettings = {
  enabled: true, mode: 'offer', offerWindowMinutes: 60, priority: 'score', tierBonus: {}, earlyBirdCap: 20,
  minLeadMinutes: 15, lateFreedPolicy: 'skip', requeueOnDecline: true, requeueOnExpiry: false,
};

const props: Record<string, JSONSchema> = {
  enabled: { type: 'boolean', title: 'Waiting list on', description: 'Off: joins are refused; entries and offers already made stay.' },
  mode: {
    type: 'string', enum: ['offer', 'auto_assign'], title: 'When a seat frees up',
    'x-enum-titles': { offer: 'Offer it to the first in line', auto_assign: 'Book it for the first in line' },
    description: 'Offer: hold the seat for them until they answer (or the offer expires). Book: make the booking straight away and tell them.',
  },
  offerWindowMinutes: { type: 'integer', minimum: 1, maximum: 10080, title: 'Offer held for (minutes)' },
  priority: {
    type: 'string', enum: ['score', 'fifo'], title: 'Who is first',
    'x-enum-titles': { score: 'Highest priority score', fifo: 'Whoever waited longest' },
    description: 'The priority score adds the tier bonus and the early-bird bonus to 100.',
  },
  tierBonus: { type: 'object', title: 'Tier bonus', description: 'Extra priority points per membership tier (0-50).', propertyNames: { minLength: 1, maxLength: 64 }, additionalProperties: { type: 'integer', minimum: 0, maximum: 50, default: 0 }, maxProperties: 100 },
  earlyBirdCap: { type: 'integer', minimum: 0, maximum: 365, title: 'Early-bird bonus cap', description: 'One point per whole day between joining and the slot, up to this.' },
  minLeadMinutes: { type: 'integer', minimum: 0, maximum: 10080, title: 'Minimum lead time (minutes)', description: 'No offer lasts past the slot start minus this.' },
  lateFreedPolicy: {
    type: 'string', enum: ['skip', 'auto_assign'], title: 'A seat freed inside the lead time',
    'x-enum-titles': { skip: 'Leave it free', auto_assign: 'Book it for the first in line' },
  },
  requeueOnDecline: { type: 'boolean', title: 'Back in line after declining' },
  requeueOnExpiry: { type: 'boolean', title: 'Back in line after an offer expires' },
};
export const settingsSchema = object(props, Object.keys(props));
export const settingsPatchSchema = object(props);

export async function getWaitlistSettings(db: Queryable, tenantId: string): Promise<WaitlistSettings> {
  const r = await one<{ waitlist_settings: Partial<WaitlistSettings> }>(db, 'SELECT waitlist_settings FROM tenants WHERE id = $1', [tenantId]);
  if (!r) throw notFound('tenant', tenantId);
  return { ...DEFAULT_SETTINGS, ...r.waitlist_settings };
}

export async function patchWaitlistSettings(db: Queryable, tenantId: string, patch: Partial<WaitlistSettings>): Promise<WaitlistSettings> {
  await rows(db, 'UPDATE tenants SET waitlist_settings = waitlist_settings || $2::jsonb, updated_at = now() WHERE id = $1', [tenantId, JSON.stringify(patch)]);
  return getWaitlistSettings(db, tenantId);
}
