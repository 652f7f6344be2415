// How many seats of a slot are free right now, so the queue can say "no free seat" before staff try a manual offer
// (which the server refuses with NO_CAPACITY). The server counts them (GET /api/resources/:id/seats), by the same rule
// it books and offers by. Only a hint: the server checks again when the offer is made.
import { api, qs } from '../../lib/api';
import { useLoad } from '../../lib/use-api';
import type { Slot } from './model';

/**
 * The slot's free seats, or undefined while unknown (loading, or the question failed: then nothing is disabled and
 * the server's answer stands). Asked again when the queue changes, and every few seconds while someone waits (a
 * booking cancelled elsewhere frees a seat without changing the queue).
 */
export function useFreeSeats(slot: Slot, waiting: boolean): number | undefined {
  const queue = slot.entries.map((e) => `${e.id}:${e.status}:${e.offerExpiresAt ?? ''}`).join(',');
  const free = useLoad(
    () => (waiting
      ? api.get<{ free: number }>(`/resources/${encodeURIComponent(slot.resourceId)}/seats${qs({ from: slot.start, to: slot.end })}`).then((s) => s.free)
      : Promise.resolve(undefined)),
    [slot.key, queue, waiting], { pollMs: waiting ? 5000 : undefined });
  return free.error ? undefined : free.data;
}
