// What booking triggers answer when asked, before a step sends, whether their event still holds
// (TriggerModule.stillHolds, src/engine/contracts.ts): a message retried later must not contradict the booking as it
// is now, e.g. "your booking is confirmed" after it was cancelled.
import { HOLDING_STATUSES } from '../domain/capacity.js';
import type { RunContext } from './contracts.js';

const stale = (status: string) => `stale:booking_${status}`;

const holds = (status: unknown) => (HOLDING_STATUSES as readonly unknown[]).includes(status);

/**
 * A booking that held its seat (pending or confirmed) when the event happened still does: news of it being made,
 * moved or given does not go out once it was cancelled or declined. Events about a booking that already held nothing
 * (a note added to a cancelled booking) always hold.
 */
export function bookingStillHeld(ctx: RunContext): string | null {
  const then = (ctx.event.data.booking as { status?: unknown } | undefined)?.status;
  const now = ctx.booking?.status;
  return !now || !holds(then) || holds(now) ? null : stale(now);
}

/** The booking is still in the status its event moved it to. */
export function statusStillHeld(ctx: RunContext): string | null {
  const to = ctx.event.data.to;
  const status = ctx.booking?.status;
  return typeof to !== 'string' || !status || status === to ? null : stale(status);
}
