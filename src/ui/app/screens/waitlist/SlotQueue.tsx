// One slot's queue: position, member, score, status, the offer's countdown, and what staff can do with each entry.
import { useState } from 'react';
import { formatDateTime, formatRange, humanize, statusTone, timeAgo } from '../../lib/format';
import { useTenant } from '../../lib/tenant';
import { Countdown } from '../../components/Countdown';
import { Badge, Button } from '../../components/ui';
import { EntryAction, ExplainDialog } from './EntryDialogs';
import { useFreeSeats } from './free-seats';
import type { Entry, Slot } from './model';

const TONE: Record<string, ReturnType<typeof statusTone>> = {
  ACTIVE: 'info', OFFERED: 'warning', ACCEPTED: 'success', EXPIRED: 'neutral', CANCELLED: 'neutral',
};

export function SlotQueue({ slot, offerWindowMinutes, onChanged }: { slot: Slot; offerWindowMinutes: number; onChanged(): void }) {
  const tenant = useTenant();
  const tz = tenant.zoneOf(slot.resourceId);
  const [action, setAction] = useState<{ entry: Entry; kind: 'offer' | 'expire' | 'cancel' } | null>(null);
  const [explain, setExplain] = useState<Entry | null>(null);
  const resource = tenant.resources.find((r) => r.id === slot.resourceId);
  const waiting = slot.entries.filter((e) => e.status === 'ACTIVE').length;
  const offered = slot.entries.filter((e) => e.status === 'OFFERED').length;
  const headingId = `slot-${slot.key.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  const free = useFreeSeats(slot, waiting > 0);
  // Why a manual offer cannot work now (the server would answer NO_CAPACITY), or null when it may.
  const noRoom = (e: Entry): string | null => {
    if (free === undefined || free >= e.seats) return null;
    return free <= 0 ? 'No free seat: every seat is booked or held by an offer' : `Only ${free} seat${free === 1 ? '' : 's'} free; ${e.seats} needed`;
  };

  return (
    <section className="card slot" aria-labelledby={headingId} data-slot={slot.key}>
      <header className="slot-header">
        <div>
          <h2 id={headingId}>{tenant.name('resource', slot.resourceId)} · {formatRange(slot.start, slot.end, tz)}</h2>
          <p className="muted small">
            {resource ? `${tenant.name('location', resource.locationId)} · capacity ${resource.capacity}` : null}
            {free !== undefined ? ` · ${free <= 0 ? 'no free seat' : `${free} free`}` : null}
          </p>
        </div>
        <div className="slot-counts">
          {waiting || !offered ? <Badge tone="info">{waiting} waiting</Badge> : null}
          {offered ? <Badge tone="warning">{offered} offered</Badge> : null}
        </div>
      </header>
      <div className="table-wrap">
        <table className="table queue">
          <colgroup><col className="c-pos" /><col /><col className="c-score" /><col className="c-status" /><col className="c-joined" /><col className="c-actions" /></colgroup>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Member</th>
              <th scope="col">Score</th>
              <th scope="col">Status</th>
              <th scope="col">Joined</th>
              <th scope="col"><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {slot.entries.map((e) => {
              const name = tenant.name('customer', e.memberId);
              const parts = Object.entries(e.scoreComponents ?? {}).map(([k, v]) => `${humanize(k)} ${v}`).join(' + ');
              return (
                <tr key={e.id} data-entry-id={e.id}>
                  <td className="position">{e.position ?? '—'}</td>
                  <td>
                    <strong>{name}</strong>
                    {e.seats > 1 ? <span className="muted small"> · {e.seats} seats</span> : null}
                  </td>
                  <td><span title={parts || undefined}>{e.priorityScore}</span>{parts ? <div className="muted small">{parts}</div> : null}</td>
                  <td>
                    <Badge tone={TONE[e.status] ?? 'neutral'}>{humanize(e.status)}</Badge>
                    {e.status === 'OFFERED' && e.offerExpiresAt ? (
                      <div className="small"><Countdown until={e.offerExpiresAt} title={`Offer open until ${formatDateTime(e.offerExpiresAt, tz)}`} /></div>
                    ) : null}
                    {e.status === 'CANCELLED' && e.cancelReason ? <div className="muted small">{e.cancelReason}</div> : null}
                  </td>
                  <td className="small muted" title={formatDateTime(e.createdAt, tz)}>{timeAgo(e.createdAt)}</td>
                  <td className="cell-actions">
                    {/* three fixed columns, each button in its own whatever the row's status, so they line up down the queue */}
                    <div className="entry-actions">
                      <span>
                        {e.status === 'ACTIVE' ? (
                          <Button size="sm" onClick={() => setAction({ entry: e, kind: 'offer' })} aria-label={`Offer the slot to ${name}`}
                            disabled={Boolean(noRoom(e))} title={noRoom(e) ?? undefined} aria-description={noRoom(e) ?? undefined}>Offer</Button>
                        ) : null}
                        {e.status === 'OFFERED' ? <Button size="sm" onClick={() => setAction({ entry: e, kind: 'expire' })} aria-label={`Expire the offer to ${name}`}>Expire</Button> : null}
                      </span>
                      <span>
                        {e.status === 'ACTIVE' || e.status === 'OFFERED'
                          ? <Button size="sm" variant="ghost" className="danger-text" onClick={() => setAction({ entry: e, kind: 'cancel' })} aria-label={`Cancel the entry of ${name}`}>Cancel</Button> : null}
                      </span>
                      <span>
                        <Button size="sm" variant="ghost" onClick={() => setExplain(e)} aria-label={`Why is ${name} here? The last allocation decision`}>Why?</Button>
                      </span>
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {action ? (
        <EntryAction entry={action.entry} kind={action.kind} offerWindowMinutes={offerWindowMinutes}
          onClose={() => setAction(null)} onDone={() => { setAction(null); onChanged(); }} />
      ) : null}
      <ExplainDialog entry={explain} onClose={() => setExplain(null)} />
    </section>
  );
}
