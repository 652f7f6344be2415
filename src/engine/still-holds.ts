// What booking triggers answer when asked, before a step sends, whether their event still holds
// (TriggerModule.stillHolds, src/engine/contracts.ts): a message retried later must not contradict the booking as it
// is now, e.g. "your booking is confirmed" after it was cancelled.
import { HOLDING_STATUSES } from '../domain/capacity.js';
import type { RunContext } from './contracts.js';

const stale = (status: string) => `stale:booking_${status}`;

const holds = (status: unknown) => (HOLDING_STATUSES as readonly unknown[]).includes(status);

/**
 * A booking that held its seat (pending or confirmed) when the event happened still does: news of it being made,
 * moved or given does not go out once it was cancelled, declined or deleted. Events about a booking that already
 * held nothing (a note added to a cancelled booking) always hold.
 */
export function bookingStillHeld(ctx: RunContext): string | null {
  const then = (ctx.event.data.booking as { status?: unknown } | undefined)?.status;
  if (!holds(then)) return null;
  if (ctx.bookingGone) return 'stale:booking_deleted';
  const now = ctx.booking?.status;
  return !now || holds(now) ? null : stale(now);
}

/** The booking is still in the status its event moved it to (and, for a status that holds a seat, still exists). */
export function statusStillHeld(ctx: RunContext): string | null {
  const to = ctx.event.data.to;
  if (ctx.bookingGone) return holds(to) ? 'stale:booking_deleted' : null; // "cancelled" stays true of a deleted booking
  const status = ctx.booking?.status;
  return typeof to !== 'string' || !status || status === to ? null : stale(status);
}
