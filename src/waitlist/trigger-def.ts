// The waitlist triggers share their shape: no config, the entry and (for offers) its links in the context.
import type { EventType } from '../domain/events.js';
import { defineTrigger, type JSONSchema, type RunContext, type TriggerModule } from '../engine/contracts.js';
import { sampleBooking } from '../engine/samples.js';
import { bookingVars, contextVariables, dateTime } from '../engine/variables.js';

const s = (t: string | string[] = 'string'): JSONSchema => ({ type: t });
export const entryVars: JSONSchema = {
  type: 'object',
  description: 'the waitlist entry as it is now',
  properties: {
    id: s(), clubId: s(), resourceId: s(), memberId: s(), desiredStart: dateTime(), desiredEnd: dateTime(), seats: s('integer'),
    priorityScore: s('integer'), status: s(), offeredAt: dateTime(undefined, true), offerExpiresAt: dateTime(undefined, true),
    acceptedAt: dateTime(undefined, true), cancelledAt: dateTime(undefined, true), reservationId: s(['string', 'null']), createdAt: dateTime(),
  },
};
export const offerVars: JSONSchema = {
  type: ['object', 'null'],
  description: 'while an offer is open: until when, and signed links to accept or decline it (no login needed)',
  properties: { expiresAt: dateTime(), acceptUrl: s(), declineUrl: s() },
};

export const sampleEntry = {
  id: 'wl-sample', tenantId: 'demo', clubId: 'loc-sample', resourceId: sampleBooking.resourceId, memberId: 'm-sample',
  desiredStart: sampleBooking.startTime, desiredEnd: sampleBooking.endTime, seats: 1, priorityScore: 120,
  scoreComponents: { base: 100, tierBonus: 10, earlyBird: 10 }, status: 'OFFERED', offeredAt: '2026-01-14T09:00:00.000Z',
  offerExpiresAt: '2026-01-14T10:00:00.000Z', acceptedAt: null, cancelledAt: null, cancelReason: null, reservationId: null,
  createdAt: '2026-01-04T08:30:00.000Z', updatedAt: '2026-01-14T09:00:00.000Z',
};

export function waitlistTrigger(type: EventType & `waitlist.${string}`, title: string, description: string, opts: { booking?: boolean; stillHolds?: TriggerModule['stillHolds'] } = {}): TriggerModule<Record<string, never>> {
  return defineTrigger<Record<string, never>>({
    type,
    title,
    description,
    configSchema: { type: 'object', properties: {}, additionalProperties: false },
    listensTo: [type],
    matches: () => true,
    variables: contextVariables(
      {
        entry: entryVars, memberId: s(), resourceId: s(), locationId: s(), bookingId: s(['string', 'null']), ...(opts.booking ? { booking: bookingVars } : {}),
        offer: { type: 'object', properties: { expiresAt: dateTime() } }, requeued: s('boolean'), reason: s(['string', 'null']), wasOffered: s('boolean'),
      },
      { entry: entryVars, offer: offerVars },
    ),
    sampleEvent: {
      id: '0', type, subjectType: 'waitlist_entry', subjectId: sampleEntry.id,
      data: { entry: sampleEntry, memberId: 'm-sample', resourceId: sampleEntry.resourceId, locationId: 'loc-sample', ...(opts.booking ? { booking: sampleBooking } : {}) },
      depth: 0, causedByRun: null, occurredAt: sampleEntry.updatedAt, dispatchedAt: null,
    },
    describe: () => `When ${title.charAt(0).toLowerCase()}${title.slice(1)}`,
    ...(opts.stillHolds ? { stillHolds: opts.stillHolds } : {}),
  });
}

/**
 * An offer's messages go out only while that offer is open: a message retried after the member answered, or after
 * the offer expired or was cancelled, would carry links to a closed offer (the entry as it is now, from the context).
 */
export function offerStillOpen(context: RunContext): string | null {
  const announced = (context.event.data.entry as { offerExpiresAt?: string | null } | undefined)?.offerExpiresAt;
  const now = context.entry as { status?: string; offerExpiresAt?: string | null } | undefined;
  const open = now?.status === 'OFFERED' && !!announced && now.offerExpiresAt === announced && Date.parse(announced) > Date.now();
  return open ? null : 'stale:offer_closed';
}
