// Waitlist entries as the facility API returns them, grouped into slots (a resource and a desired interval), in the
// order the allocation uses: score (desc), join time, id, or join time alone for "fifo".
export interface Entry {
  id: string;
  clubId: string;
  resourceId: string;
  memberId: string;
  desiredStart: string;
  desiredEnd: string;
  seats: number;
  priorityScore: number;
  scoreComponents?: Record<string, number>;
  status: 'ACTIVE' | 'OFFERED' | 'ACCEPTED' | 'EXPIRED' | 'CANCELLED';
  offeredAt: string | null;
  offerExpiresAt: string | null;
  acceptedAt: string | null;
  cancelledAt: string | null;
  cancelReason?: string | null;
  reservationId?: string | null;
  createdAt: string;
}

export interface Candidate {
  entryId: string; memberId: string; seats: number; priorityScore: number; scoreComponents: Record<string, number>;
  joinedAt: string; result: 'offered' | 'assigned' | 'skipped'; reason: string | null; offerExpiresAt?: string; bookingId?: string;
  /** NO_ROOM: the seats still free when their turn came. */
  freeSeats?: number;
}

export interface Decision {
  id: string;
  trigger: string;
  mode: string;
  slot: { resourceId: string; startTime: string; endTime: string | null; seats: number; reason: string };
  candidates: Candidate[];
  outcome: { offered: number; assigned: number; note: string | null };
  createdAt: string;
  thisEntry?: Candidate | null;
}

export interface Slot {
  key: string;
  resourceId: string;
  start: string;
  end: string;
  entries: (Entry & { position: number | null })[];
}

export const OPEN = new Set(['ACTIVE', 'OFFERED']);

const compare = (priority: string) => (a: Entry, b: Entry): number => {
  if (priority !== 'fifo' && a.priorityScore !== b.priorityScore) return b.priorityScore - a.priorityScore;
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
};

/** Slots by start time; within a slot, offered first, then the queue in allocation order, then closed entries. */
export function toSlots(entries: Entry[], priority: string): Slot[] {
  const bySlot = new Map<string, Entry[]>();
  for (const e of entries) {
    const key = `${e.resourceId}|${e.desiredStart}|${e.desiredEnd}`;
    bySlot.set(key, [...(bySlot.get(key) ?? []), e]);
  }
  const rank = (e: Entry) => (e.status === 'OFFERED' ? 0 : e.status === 'ACTIVE' ? 1 : 2);
  return [...bySlot.entries()]
    .map(([key, list]) => {
      const sorted = [...list].sort((a, b) => rank(a) - rank(b) || compare(priority)(a, b));
      let n = 0;
      return {
        key, resourceId: list[0].resourceId, start: list[0].desiredStart, end: list[0].desiredEnd,
        entries: sorted.map((e) => ({ ...e, position: e.status === 'ACTIVE' ? ++n : null })),
      };
    })
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.resourceId.localeCompare(b.resourceId)));
}

const SKIP_REASON: Record<string, string> = {
  CONFLICT: 'already has a booking at that time',
  NO_ROOM: 'wants more seats than were free',
  ALREADY_DECLINED: 'already declined this seat',
  TOO_LATE: 'too close to the start',
};

/** Why an allocation passed a candidate over, in words. NO_ROOM tells "those ahead took it" from "wants more". */
export function skipText(c: { reason: string | null; seats?: number; freeSeats?: number }): string {
  if (c.reason === 'NO_ROOM' && c.freeSeats === 0) return 'the freed seats went to those ahead in line';
  if (c.reason === 'NO_ROOM' && c.freeSeats !== undefined && c.seats !== undefined) return `wants ${c.seats} seats; ${c.freeSeats} ${c.freeSeats === 1 ? 'was' : 'were'} free`;
  return c.reason ? SKIP_REASON[c.reason] ?? c.reason : 'skipped';
}
