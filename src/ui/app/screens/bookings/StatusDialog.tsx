// Changing a booking's status, or deleting it. A change that frees a seat (cancelled, declined, not taken, delete)
// first asks the server what the waitlist would do (POST /api/bookings/:id/status with "dryRun": true) and shows
// that as a warning to confirm (DELETE ?dryRun=true for a delete). No one waiting, or no waitlist: no warning.
import { useEffect, useRef, useState } from 'react';
import { api, ApiError } from '../../lib/api';
import { formatRange, humanize } from '../../lib/format';
import { useTenant } from '../../lib/tenant';
import type { Booking } from '../../lib/types';
import { Dialog } from '../../components/Dialog';
import { Button, ErrorBanner, Field, Notice } from '../../components/ui';
import { WaitlistPreview, wouldFill } from './WaitlistPreview';

/** The domain's transitions (POST /api/bookings/:id/status); the others are final. */
export const NEXT: Record<string, string[]> = {
  pending: ['confirmed', 'declined', 'cancelled'],
  confirmed: ['cancelled', 'not_taken', 'completed'],
};
const FREES_SEAT = new Set(['cancelled', 'declined', 'not_taken']);
export const holdsSeat = (b: Booking) => b.status === 'pending' || b.status === 'confirmed';

/**
 * What the waitlist would do if this change happened (the `waitlist` part of the dry-run answer), or undefined when
 * the change frees no seat or the server cannot say: a server without the waitlist rejects the unknown "dryRun"
 * with 400, and then there is simply no warning. A dry run changes nothing, whatever the server.
 */
async function askWaitlist(booking: Booking, change: { status: string; reason: string } | 'delete'): Promise<unknown> {
  const path = `/bookings/${encodeURIComponent(booking.id)}`;
  try {
    const answer = change === 'delete'
      ? await api.del<Record<string, unknown> | undefined>(`${path}?dryRun=true`)
      : await api.post<Record<string, unknown>>(`${path}/status`, { status: change.status, ...(change.reason ? { reason: change.reason } : {}), dryRun: true });
    if (!answer || typeof answer !== 'object' || answer.freesSeats === false) return undefined;
    return answer.waitlist;
  } catch (err) {
    if (err instanceof ApiError && err.status === 400) return undefined;
    throw err;
  }
}

export function StatusDialog({ booking, mode, onClose, onDone }: {
  booking: Booking | null; mode: 'status' | 'delete'; onClose(): void; onDone(b: Booking | null): void;
}) {
  const tenant = useTenant();
  const [status, setStatus] = useState('');
  const [reason, setReason] = useState('');
  const [waitlist, setWaitlist] = useState<unknown>(undefined);
  const [stage, setStage] = useState<'choose' | 'confirm'>('choose');
  // The warning takes the focus when it appears: the button that asked for it was busy (disabled) meanwhile, which
  // left focus on the page body.
  const warning = useRef<HTMLDivElement>(null);
  useEffect(() => { if (stage === 'confirm') warning.current?.focus(); }, [stage]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const next = booking ? NEXT[booking.status] ?? [] : [];

  useEffect(() => {
    setStatus(next[0] ?? '');
    setReason('');
    setWaitlist(undefined);
    setStage('choose');
    setError(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [booking?.id, mode]);

  if (!booking) return <Dialog open={false} title="" onClose={onClose}>{null}</Dialog>;
  const b = booking;
  const freeing = mode === 'delete' ? holdsSeat(b) : FREES_SEAT.has(status);

  async function perform() {
    setBusy(true);
    setError(null);
    try {
      if (mode === 'delete') {
        await api.del(`/bookings/${encodeURIComponent(b.id)}`);
        onDone(null);
      } else {
        onDone(await api.post<Booking>(`/bookings/${encodeURIComponent(b.id)}/status`, { status, ...(reason.trim() ? { reason: reason.trim() } : {}) }));
      }
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function proceed() {
    if (stage === 'confirm' || !freeing) return perform();
    setBusy(true);
    setError(null);
    try {
      const preview = await askWaitlist(b, mode === 'delete' ? 'delete' : { status, reason: reason.trim() });
      setBusy(false);
      if (!wouldFill(preview)) return perform();
      setWaitlist(preview);
      setStage('confirm');
    } catch (err) {
      setBusy(false);
      setError(err);
    }
  }

  const who = `${tenant.name('customer', b.customerId)} · ${tenant.name('resource', b.resourceId)} · ${formatRange(b.startTime, b.endTime, tenant.zoneOf(b.resourceId))}`;
  const verb = mode === 'delete' ? 'Delete booking' : stage === 'confirm' ? `Yes, mark ${humanize(status).toLowerCase()}` : 'Change status';
  return (
    <Dialog open title={mode === 'delete' ? 'Delete this booking?' : 'Change the booking\'s status'} onClose={onClose}
      footer={(
        <>
          {/* Not "Cancel": next to "Cancelled" and "Yes, mark cancelled" it reads as cancelling the booking. */}
          <Button onClick={onClose}>{mode === 'delete' ? 'Keep the booking' : next.length ? 'Keep as it is' : 'Close'}</Button>
          {mode === 'delete' || next.length ? (
            <Button variant={mode === 'delete' || freeing ? 'danger' : 'primary'} busy={busy} onClick={proceed}>
              {stage === 'confirm' && mode === 'delete' ? 'Yes, delete it' : verb}
            </Button>
          ) : null}
        </>
      )}>
      <p className="muted">{who}</p>
      {mode === 'status' && next.length === 0 ? <Notice>This booking is {humanize(b.status).toLowerCase()}: that status is final.</Notice> : null}
      {mode === 'status' && next.length && stage === 'choose' ? (
        <>
          <fieldset className="radio-group">
            <legend>New status (now {humanize(b.status).toLowerCase()})</legend>
            {next.map((s) => (
              <label key={s} className="radio">
                <input type="radio" name="new-status" value={s} checked={status === s} onChange={() => setStatus(s)} />
                <span>{humanize(s)}{FREES_SEAT.has(s) ? <span className="muted small"> · frees the seat</span> : null}</span>
              </label>
            ))}
          </fieldset>
          <Field label="Reason (optional)">
            {(p) => <input {...p} className="input" value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />}
          </Field>
        </>
      ) : null}
      {mode === 'delete' && stage === 'choose' ? <p>The booking is removed. {holdsSeat(b) ? 'Its seat becomes free.' : ''}</p> : null}
      {stage === 'confirm' ? (
        <div ref={warning} tabIndex={-1} className="banner banner-warning free-seat-warning" role="alert">
          <div className="banner-body">
            <strong>This frees a seat: the waiting list takes it</strong>
            <WaitlistPreview waitlist={waitlist} />
          </div>
        </div>
      ) : null}
      <ErrorBanner error={error} title="The change was not made" />
    </Dialog>
  );
}
