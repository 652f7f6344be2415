// Bookings looked up by id, for lists that only carry a booking id (runs) but should name the booking the way a
// person knows it: customer · resource · local time. One GET /api/bookings/:id per booking, each asked once a
// minute at most (a list that polls asks again only for ids it has not seen); a deleted booking is null.
//
// The API has no "bookings with these ids" call, and a run in a list does not carry its booking's summary: with
// either, this would be one request per page instead of one per booking.
import { useEffect, useState } from 'react';
import { api, ApiError } from './api';
import type { Booking } from './types';

const FRESH_MS = 60_000;
const cache = new Map<string, { at: number; answer: Promise<Booking | null> }>();

function lookUp(id: string): Promise<Booking | null> {
  const hit = cache.get(id);
  if (hit && Date.now() - hit.at < FRESH_MS) return hit.answer;
  const answer = api.get<Booking>(`/bookings/${encodeURIComponent(id)}`).catch((err) => {
    if (err instanceof ApiError && err.status === 404) return null;
    cache.delete(id); // a failed look-up is asked again next time; until then the id is shown
    throw err;
  });
  cache.set(id, { at: Date.now(), answer });
  return answer;
}

/** The bookings with these ids, as they arrive: a Booking, null when it was deleted, undefined while unknown. */
export function useBookingsById(ids: string[]): Record<string, Booking | null | undefined> {
  const [found, setFound] = useState<Record<string, Booking | null>>({});
  const key = [...new Set(ids)].sort().join(',');
  useEffect(() => {
    let live = true;
    for (const id of key ? key.split(',') : []) {
      lookUp(id).then((b) => { if (live) setFound((f) => (f[id] === b ? f : { ...f, [id]: b })); }, () => undefined);
    }
    return () => { live = false; };
  }, [key]);
  return found;
}
