// What staff do with one waitlist entry (offer the slot by hand until a time, expire an offer now, cancel the
// entry) and the explanation of the last allocation decision about it.
import { useId, useState } from 'react';
import { api } from '../../lib/api';
import { formatDateTime, formatRange, humanize, zonedInput, zonedToIso } from '../../lib/format';
import { useTenant } from '../../lib/tenant';
import { useLoad } from '../../lib/use-api';
import { Dialog } from '../../components/Dialog';
import { Badge, Button, ErrorBanner, Field, KeyValues, Loading, Notice } from '../../components/ui';
import { useToast } from '../../components/Toasts';
import { skipText, type Decision, type Entry } from './model';

export function EntryAction({ entry, kind, offerWindowMinutes, onClose, onDone }: {
  entry: Entry; kind: 'offer' | 'expire' | 'cancel'; offerWindowMinutes: number; onClose(): void; onDone(): void;
}) {
  const tenant = useTenant();
  const toast = useToast();
  const name = tenant.name('customer', entry.memberId);
  // The offer's end is entered at the wall clock of the slot's location, as every time on the page is shown.
  const zone = tenant.zoneOf(entry.resourceId);
  const [until, setUntil] = useState(() => zonedInput(new Date(Date.now() + offerWindowMinutes * 60_000), zone));
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const path = `/facility-waitlist/${encodeURIComponent(entry.id)}`;

  async function go() {
    setBusy(true);
    setError(null);
    try {
      if (kind === 'offer') await api.post(`${path}/offer`, { offerExpiresAt: zonedToIso(until, zone) });
      else if (kind === 'expire') await api.post(`${path}/expire`);
      else await api.post(`${path}/cancel`, reason.trim() ? { reason: reason.trim() } : {});
      toast(kind === 'offer' ? `Offered to ${name}` : kind === 'expire' ? `The offer to ${name} expired` : `${name} left the waiting list`);
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const title = kind === 'offer' ? `Offer the slot to ${name}` : kind === 'expire' ? `Expire the offer to ${name}?` : `Take ${name} off the waiting list?`;
  return (
    <Dialog open title={title} onClose={onClose}
      footer={(
        <>
          <Button onClick={onClose}>Back</Button>
          <Button variant={kind === 'offer' ? 'primary' : 'danger'} busy={busy} onClick={go}>
            {kind === 'offer' ? 'Make the offer' : kind === 'expire' ? 'Expire now' : 'Cancel entry'}
          </Button>
        </>
      )}>
      <p className="muted">{tenant.name('resource', entry.resourceId)} · {formatRange(entry.desiredStart, entry.desiredEnd, tenant.settings.timezone)}</p>
      {kind === 'offer' ? (
        <>
          <p>{name} gets the offer now (with the usual message) and holds the seat until the time below. It needs a free seat.</p>
          <Field label="Offer open until" hint={`At the location's time (${zone}).`}>
            {(p) => <input {...p} className="input" type="datetime-local" value={until} onChange={(e) => setUntil(e.target.value)} />}
          </Field>
        </>
      ) : null}
      {kind === 'expire' ? <p>The held seat is freed at once and goes to the next in line.</p> : null}
      {kind === 'cancel' ? (
        <>
          <p>{entry.status === 'OFFERED' ? 'Their held seat is freed for the next in line.' : 'They stop waiting for this slot.'}</p>
          <Field label="Reason (optional)">
            {(p) => <input {...p} className="input" value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />}
          </Field>
        </>
      ) : null}
      <ErrorBanner error={error} title="That did not work" />
    </Dialog>
  );
}

export function ExplainDialog({ entry, onClose }: { entry: Entry | null; onClose(): void }) {
  return (
    <Dialog open={Boolean(entry)} wide title="How the seat was given out" onClose={onClose} footer={<Button onClick={onClose}>Close</Button>}>
      {entry ? <Explanation entry={entry} /> : null}
    </Dialog>
  );
}

function Explanation({ entry }: { entry: Entry }) {
  const tenant = useTenant();
  const tz = tenant.settings.timezone;
  const loaded = useLoad((signal) => api.get<Entry & { position: number | null; explanation: Decision | null }>(`/facility-waitlist/${encodeURIComponent(entry.id)}`, { signal }), [entry.id]);
  if (loaded.loading) return <Loading />;
  if (loaded.error) return <ErrorBanner error={loaded.error} />;
  const e = loaded.data!;
  const d = e.explanation;
  return (
    <>
      <KeyValues items={[
        ['Member', tenant.name('customer', e.memberId)],
        ['Status', humanize(e.status)],
        ['Position', e.position ? `${e.position} in line` : '—'],
        ['Score', `${e.priorityScore}${Object.keys(e.scoreComponents ?? {}).length ? ` (${Object.entries(e.scoreComponents!).map(([k, v]) => `${humanize(k)} ${v}`).join(' + ')})` : ''}`],
      ]} />
      {!d ? <Notice>No seat has been given out for this slot since {tenant.name('customer', e.memberId)} joined.</Notice> : (
        <>
          <p>
            On {formatDateTime(d.createdAt, tz)} a seat freed up ({humanize(d.slot.reason)}); mode: {humanize(d.mode)}.
            {d.outcome.note ? ` ${d.outcome.note}.` : ''}
          </p>
          <div className="table-wrap card">
            <table className="table">
              <thead><tr><th scope="col">Candidate</th><th scope="col">Score</th><th scope="col">Result</th></tr></thead>
              <tbody>
                {d.candidates.map((c) => (
                  <tr key={c.entryId} className={c.entryId === e.id ? 'row-highlight' : undefined}>
                    <td>{tenant.name('customer', c.memberId)}{c.entryId === e.id ? <span className="muted small"> (this entry)</span> : null}</td>
                    <td>{c.priorityScore}<div className="muted small">{Object.entries(c.scoreComponents ?? {}).map(([k, v]) => `${humanize(k)} ${v}`).join(' + ')}</div></td>
                    <td>
                      <Badge tone={c.result === 'skipped' ? 'neutral' : 'success'}>{humanize(c.result)}</Badge>
                      {c.reason ? <div className="muted small">{skipText(c)}</div> : null}
                      {c.offerExpiresAt ? <div className="muted small">until {formatDateTime(c.offerExpiresAt, tz)}</div> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </>
  );
}
