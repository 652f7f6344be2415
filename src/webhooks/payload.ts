// What a subscriber receives: { type, timestamp, sequence, data }. The body is built once per event, when the event is
// dispatched, and stored with each delivery: every attempt and replay sends the same bytes (signed afresh).
import type { DomainEvent } from '../domain/events.js';
import type { RunContext } from '../engine/contracts.js';
import type { Subscription } from './subscriptions.js';

/** The event type of test deliveries (POST /webhooks/:id/test). Not a recorded event: it has no sequence (0). */
export const TEST_EVENT_TYPE = 'webhook.test';

/**
 * `sequence` is the event id: one global sequence, so it increases per tenant and receivers can order events
 * (deliveries are concurrent and may arrive out of order). `data` is the event's own data (from/to, changes,
 * reason...) with the full objects it is about as they are at dispatch: the booking (a deleted booking's last state)
 * and its customer, resource, location and service. Objects the event has none of are left out.
 */
export function eventBody(event: DomainEvent, ctx: RunContext): string {
  const data: Record<string, unknown> = { ...event.data };
  const objects = { booking: ctx.booking, customer: ctx.customer, resource: ctx.resource, location: ctx.location, service: ctx.service };
  for (const [name, value] of Object.entries(objects)) if (value) data[name] = value;
  return JSON.stringify({ type: event.type, timestamp: event.occurredAt, sequence: Number(event.id), data });
}

export function testBody(sub: Subscription, now: Date): string {
  return JSON.stringify({
    type: TEST_EVENT_TYPE,
    timestamp: now.toISOString(),
    sequence: 0,
    data: {
      webhook: { id: sub.id, url: sub.url, description: sub.description, eventTypes: sub.eventTypes },
      message: 'A test delivery from Bookflow. If the signature verifies, this endpoint is ready.',
    },
  });
}
