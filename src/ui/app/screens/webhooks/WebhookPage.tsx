// One webhook: its delivery log (each delivery with every attempt's time, status code, duration, answer and
// error, and the body sent), replay of one delivery, and replay of everything that failed since a time.
import { useId, useState } from 'react';
import { api, qs, type Page } from '../../lib/api';
import { formatDateTime, humanize, statusTone, timeAgo, zonedInput, zonedToIso } from '../../lib/format';
import { useTenant } from '../../lib/tenant';
import { useLoad } from '../../lib/use-api';
import { Icon } from '../../components/Icon';
import { Badge, Button, Empty, ErrorBanner, Loading, PageHeader } from '../../components/ui';
import { useToast } from '../../components/Toasts';
import { eventsInWords, type Delivery, type Subscription } from './types';

export function WebhookPage({ id }: { id: string }) {
  const toast = useToast();
  const path = `/webhooks/${encodeURIComponent(id)}`;
  const [status, setStatus] = useState('');
  const tenant = useTenant();
  const zone = tenant.settings.timezone; // as the deliveries' times are shown
  const [since, setSince] = useState(() => zonedInput(new Date(Date.now() - 86400_000), zone));
  const [error, setError] = useState<unknown>(null);
  const ids = { status: useId(), since: useId() };
  const sub = useLoad((signal) => api.get<Subscription>(path, { signal }), [path]);
  const deliveries = useLoad((signal) => api.get<Page<Delivery>>(`${path}/deliveries${qs({ status, limit: 100 })}`, { signal }), [path, status], { pollMs: 5000 });

  async function replayFailed() {
    setError(null);
    try {
      const r = await api.post<{ replayed?: number } | unknown[]>(`${path}/replay`, { since: zonedToIso(since, zone) });
      const n = Array.isArray(r) ? r.length : typeof (r as { replayed?: number }).replayed === 'number' ? (r as { replayed: number }).replayed : null;
      toast(n === null ? 'Failed deliveries sent again' : `${n} failed deliver${n === 1 ? 'y' : 'ies'} sent again`);
      deliveries.reload({ quiet: true });
    } catch (err) {
      setError(err);
    }
  }

  if (sub.loading && !sub.data) return <Loading />;
  if (sub.error || !sub.data) return <><PageHeader back={{ href: '#/webhooks', label: 'Webhooks' }} title="Webhook" /><ErrorBanner error={sub.error} onRetry={() => sub.reload()} /></>;
  const s = sub.data;
  return (
    <>
      <PageHeader back={{ href: '#/webhooks', label: 'Webhooks' }} title={<span className="mono-ish title-url">{s.url}</span>}
        description={`${s.description ? `${s.description} · ` : ''}${eventsInWords(s.eventTypes)}${s.enabled ? '' : ' · disabled'}`} />
      <ErrorBanner error={error} title="Replay failed" />
      <div className="toolbar">
        <div className="field">
          <label className="field-label" htmlFor={ids.status}>Deliveries</label>
          <select id={ids.status} className="input" value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">All</option>
            <option value="pending">Pending (retrying)</option>
            <option value="succeeded">Succeeded</option>
            <option value="failed">Failed for good</option>
          </select>
        </div>
        <div className="field">
          <label className="field-label" htmlFor={ids.since}>Failed since <span className="muted small">({zone})</span></label>
          <input id={ids.since} type="datetime-local" className="input" value={since} onChange={(e) => setSince(e.target.value)} />
        </div>
        <Button icon="refresh" onClick={replayFailed}>Replay failed deliveries</Button>
      </div>
      {deliveries.loading && !deliveries.data ? <Loading label="Loading deliveries…" /> : null}
      {deliveries.error ? <ErrorBanner error={deliveries.error} onRetry={() => deliveries.reload()} /> : null}
      {deliveries.data && deliveries.data.items.length === 0 ? <Empty icon="webhook" title="No deliveries">Events matching this webhook appear here as they are sent. “Test” on the list sends one now.</Empty> : null}
      <ul className="message-list" aria-label="Deliveries">
        {(deliveries.data?.items ?? []).map((d) => <DeliveryRow key={d.id} d={d} path={path} onReplayed={() => deliveries.reload({ quiet: true })} />)}
      </ul>
    </>
  );
}

function DeliveryRow({ d, path, onReplayed }: { d: Delivery; path: string; onReplayed(): void }) {
  const tenant = useTenant();
  const toast = useToast();
  const tz = tenant.settings.timezone;
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const full = useLoad((signal) => (open ? api.get<Delivery>(`${path}/deliveries/${encodeURIComponent(d.id)}`, { signal }) : Promise.resolve(null)), [open, d.id, d.attemptCount]);
  const panel = `dlv-${d.id}`;

  async function replay() {
    setBusy(true);
    try {
      await api.post(`${path}/deliveries/${encodeURIComponent(d.id)}/replay`);
      toast('Delivery sent again');
      onReplayed();
    } finally {
      setBusy(false);
    }
  }

  return (
    <li className={`card message ${open ? 'open' : ''}`}>
      <button type="button" className="message-head" aria-expanded={open} aria-controls={panel} onClick={() => setOpen((o) => !o)}>
        <span className="channel channel-webhook" aria-hidden="true"><Icon name="webhook" size={16} /></span>
        <span className="message-main">
          <span className="message-to">{d.eventType}</span>
          <span className="message-title">
            {d.attemptCount} attempt{d.attemptCount === 1 ? '' : 's'}
            {d.lastStatusCode ? ` · HTTP ${d.lastStatusCode}` : ''}
            {d.lastError ? ` · ${d.lastError}` : ''}
            {d.status === 'pending' && d.nextAttemptAt ? ` · next try ${timeAgo(d.nextAttemptAt)}` : ''}
          </span>
        </span>
        <Badge tone={statusTone(d.status === 'succeeded' ? 'sent' : d.status)}>{humanize(d.status)}</Badge>
        <span className="message-time small muted" title={formatDateTime(d.createdAt, tz)}>{timeAgo(d.createdAt)}</span>
      </button>
      {open ? (
        <div id={panel} className="message-body">
          <div className="row-between">
            <span className="muted small">webhook-id <code>{d.id}</code>{d.eventId ? <> · event {d.eventId}</> : null}</span>
            <Button size="sm" icon="refresh" busy={busy} onClick={replay}>Replay</Button>
          </div>
          {d.attempts.length ? (
            <div className="table-wrap card">
              <table className="table">
                <thead><tr><th scope="col">#</th><th scope="col">At</th><th scope="col">Status</th><th scope="col">Time</th><th scope="col">Answer or error</th></tr></thead>
                <tbody>
                  {d.attempts.map((a) => (
                    <tr key={a.attempt}>
                      <td>{a.attempt}</td>
                      <td className="small">{formatDateTime(a.at, tz)}</td>
                      <td>{a.statusCode ? <Badge tone={a.statusCode < 300 ? 'success' : 'danger'}>HTTP {a.statusCode}</Badge> : <Badge tone="danger">No answer</Badge>}</td>
                      <td className="small">{a.durationMs === null ? '—' : `${a.durationMs} ms`}</td>
                      <td className="small wrap">
                        {a.error ? <><code>{a.errorCode}</code> {a.error}</> : null}
                        {/* what the endpoint said, also when it failed: "database down" is why */}
                        {a.responseBody ? <div className="mono-ish">{a.responseBody}</div> : a.error ? null : '—'}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : <p className="muted small">Not attempted yet.</p>}
          {full.data?.payload !== undefined ? <pre className="rendered-text">{JSON.stringify(full.data?.payload, null, 2)}</pre> : null}
        </div>
      ) : null}
    </li>
  );
}
