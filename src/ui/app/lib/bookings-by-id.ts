// Bookings looked up by id, for lists that only carry a booking id (runs) but should name the booking the way a
// person knows it: customer · resource · local time. The ids a list shows are asked in one GET /api/bookings?ids=...
// (100 at most per call), each at most once a minute (a list that polls asks again only for ids it has not seen); a
// booking the answer leaves out was deleted: null.
import { useEffect, useState } from 'react';
import { api, session } from './api';
import type { Booking } from './types';

const FRESH_MS = 60_000;
const PER_CALL = 100;
const cache = new Map<string, { at: number; answer: Promise<Booking | null> }>();
// What one key was answered is not another's to see (signing in with another tenant's key).
session.subscribe(() => cache.clear());

function lookUp(ids: string[]): void {
  const now = Date.now();
  const wanted = ids.filter((id) => { const hit = cache.get(id); return !hit || now - hit.at >= FRESH_MS; });
  for (let i = 0; i < wanted.length; i += PER_CALL) {
    const chunk = wanted.slice(i, i + PER_CALL);
    const query = new URLSearchParams([...chunk.map((id) => ['ids', id]), ['limit', String(PER_CALL)]]);
    const page = api.get<{ items: Booking[] }>(`/bookings?${query}`).then((p) => new Map(p.items.map((b) => [b.id, b])));
    for (const id of chunk) {
      const answer = page.then((found) => found.get(id) ?? null);
      // a failed look-up is asked again next time; until then the id is shown
      answer.catch(() => cache.delete(id));
      cache.set(id, { at: now, answer });
    }
  }
}

/** The bookings with these ids, as they arrive: a Booking, null when it was deleted, undefined while unknown. */
export function useBookingsById(ids: string[]): Record<string, Booking | null | undefined> {
  const [found, setFound] = useState<Record<string, Booking | null>>({});
  const key = [...new Set(ids)].sort().join(',');
  useEffect(() => {
    let live = true;
    const list = key ? key.split(',') : [];
    lookUp(list);
    for (const id of list) {
      cache.get(id)!.answer.then((b) => { if (live) setFound((f) => (f[id] === b ? f : { ...f, [id]: b })); }, () => undefined);
    }
    return () => { live = false; };
  }, [key]);
  return found;
}
