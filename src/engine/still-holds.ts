// What booking triggers answer when asked, before a step sends, whether their event still holds
// (TriggerModule.stillHolds, src/engine/contracts.ts): a message retried later must not contradict the booking as it
// is now, e.g. "your booking is confirmed" after it was cancelled.
import { HOLDING_STATUSES } from '../domain/capacity.js';
import type { RunContext } from './contracts.js';

const stale = (status: string) => `stale:booking_${status}`;

/** The booking still holds its seat (pending or confirmed): news of it being made, or given, still holds. */
export function bookingStillHeld(ctx: RunContext): string | null {
  const status = ctx.booking?.status;
  return !status || (HOLDING_STATUSES as readonly string[]).includes(status) ? null : stale(status);
}

/** The booking is still in the status its event moved it to. */
export function statusStillHeld(ctx: RunContext): string | null {
  const to = ctx.event.data.to;
  const status = ctx.booking?.status;
  return typeof to !== 'string' || !status || status === to ? null : stale(status);
}
