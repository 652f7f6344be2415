// The free-a-seat warning's content: what the waitlist would do with the seat a change frees, from the `waitlist`
// part of a dry-run answer (POST /api/bookings/:id/status or DELETE /api/bookings/:id with dryRun):
//   { willFill, allocations: [{ customerName, memberId, seats, result: offered|assigned, offerExpiresAt }], skipped, note }
// Anything else it is given is shown field by field rather than hidden.
import type { ReactNode } from 'react';
import { formatDateTime, humanize } from '../../lib/format';
import { useTenant } from '../../lib/tenant';
import { KeyValues } from '../../components/ui';
import { skipText } from '../waitlist/model';

export interface Allocation {
  entryId: string; memberId: string; customerName: string | null; seats: number; result: string;
  offerExpiresAt: string | null; bookingId: string | null;
}

export interface WaitlistAnswer {
  willFill: boolean;
  allocations: Allocation[];
  skipped: { entryId: string; memberId: string; seats: number; reason: string | null; freeSeats?: number }[];
  note: string | null;
}


export const isWaitlistAnswer = (v: unknown): v is WaitlistAnswer =>
  Boolean(v) && typeof v === 'object' && Array.isArray((v as WaitlistAnswer).allocations) && typeof (v as WaitlistAnswer).willFill === 'boolean';

/** Whether the answer is worth a warning: someone on the list would get the seat (or the shape is unknown). */
export const wouldFill = (v: unknown): boolean => (isWaitlistAnswer(v) ? v.willFill : v !== null && v !== undefined);

export function WaitlistPreview({ waitlist }: { waitlist: unknown }) {
  const tenant = useTenant();
  const tz = tenant.settings.timezone;
  if (!isWaitlistAnswer(waitlist)) {
    if (waitlist === null || waitlist === undefined) return null;
    const fields = typeof waitlist === 'object' ? Object.entries(waitlist as Record<string, unknown>) : [['waitlist', waitlist] as [string, unknown]];
    return (
      <KeyValues items={fields.map(([k, v]): [string, ReactNode] => [humanize(k), typeof v === 'object' ? <code className="wrap">{JSON.stringify(v)}</code> : String(v)])} />
    );
  }
  const who = (a: { customerName?: string | null; memberId: string }) => a.customerName ?? tenant.name('customer', a.memberId);
  return (
    <div className="waitlist-preview" data-testid="waitlist-preview">
      {waitlist.allocations.length === 0 ? <p>Nobody on the waiting list gets this seat{waitlist.note ? ` (${waitlist.note})` : ''}: it simply becomes free.</p> : null}
      <ul className="allocations">
        {waitlist.allocations.map((a) => (
          <li key={a.entryId}>
            <strong>{who(a)}</strong>
            {a.result === 'assigned'
              ? <span> gets the booking straight away{a.seats > 1 ? ` (${a.seats} seats)` : ''}.</span>
              : <span> is offered the seat{a.seats > 1 ? `s (${a.seats})` : ''}{a.offerExpiresAt ? <> until <strong>{formatDateTime(a.offerExpiresAt, tz)}</strong></> : null}.</span>}
          </li>
        ))}
      </ul>
      {waitlist.skipped.length ? (
        <p className="small">Passed over: {waitlist.skipped.map((s) => `${tenant.name('customer', s.memberId)} (${skipText(s)})`).join(', ')}.</p>
      ) : null}
    </div>
  );
}
