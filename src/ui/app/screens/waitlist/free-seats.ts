// How many seats of a slot are free right now, so the queue can say "no free seat" before staff try a manual offer
// (which the server refuses with NO_CAPACITY). Counted as the server's capacity rule counts them
// (bookflow_peak_used): bookings that hold a seat (pending, confirmed) and open offers (OFFERED, not yet expired),
// at the busiest instant of the slot. Only a hint: the server checks again when the offer is made.
import { api, listAll, qs } from '../../lib/api';
import type { Booking, Resource } from '../../lib/types';
import { useLoad } from '../../lib/use-api';
import type { Entry, Slot } from './model';

interface Use { start: number; end: number; seats: number }

/** The most seats in use at any instant of [start, end). */
export function peakUsed(uses: Use[], start: number, end: number): number {
  const inside = uses
    .map((u) => ({ start: Math.max(u.start, start), end: Math.min(u.end, end), seats: u.seats }))
    .filter((u) => u.start < u.end);
  const points = [start, ...inside.map((u) => u.start)];
  return Math.max(0, ...points.map((p) => inside.reduce((n, u) => (u.start <= p && u.end > p ? n + u.seats : n), 0)));
}

async function freeSeats(slot: Slot): Promise<number> {
  const [resource, bookings, offers] = await Promise.all([
    api.get<Resource>(`/resources/${encodeURIComponent(slot.resourceId)}`),
    listAll<Booking>(`/bookings${qs({ resourceId: slot.resourceId, from: slot.start, to: slot.end })}`),
    listAll<Entry>(`/facility-waitlist${qs({ resourceId: slot.resourceId, status: 'OFFERED', desiredTo: slot.end })}`),
  ]);
  const now = Date.now();
  const uses: Use[] = [
    ...bookings.filter((b) => b.status === 'pending' || b.status === 'confirmed')
      .map((b) => ({ start: Date.parse(b.startTime), end: Date.parse(b.endTime), seats: b.seats })),
    ...offers.filter((e) => e.offerExpiresAt && Date.parse(e.offerExpiresAt) > now)
      .map((e) => ({ start: Date.parse(e.desiredStart), end: Date.parse(e.desiredEnd), seats: e.seats })),
  ];
  return resource.capacity - peakUsed(uses, Date.parse(slot.start), Date.parse(slot.end));
}

/**
 * The slot's free seats, or undefined while unknown (loading, or the question failed: then nothing is disabled and
 * the server's answer stands). Asked again when the queue changes, and every few seconds while someone waits (a
 * booking cancelled elsewhere frees a seat without changing the queue).
 */
export function useFreeSeats(slot: Slot, waiting: boolean): number | undefined {
  const queue = slot.entries.map((e) => `${e.id}:${e.status}:${e.offerExpiresAt ?? ''}`).join(',');
  const free = useLoad(() => (waiting ? freeSeats(slot) : Promise.resolve(undefined)), [slot.key, queue, waiting], { pollMs: waiting ? 5000 : undefined });
  return free.error ? undefined : free.data;
}
