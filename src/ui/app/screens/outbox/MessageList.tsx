// Outgoing messages (email, SMS, webhook calls), newest first; each opens to show exactly what was sent.
import { useEffect, useRef, useState } from 'react';
import { api, qs, type Page } from '../../lib/api';
import { formatDateTime, humanize, statusTone, timeAgo } from '../../lib/format';
import { href } from '../../lib/router';
import { useTenant } from '../../lib/tenant';
import type { Message } from '../../lib/types';
import { useLoad } from '../../lib/use-api';
import { Icon } from '../../components/Icon';
import { EmailFrame } from '../../components/Rendered';
import { Badge, Button, Empty, ErrorBanner, KeyValues, Loading } from '../../components/ui';

const CHANNEL_ICON: Record<string, string> = { email: 'mail', sms: 'sms', webhook: 'webhook' };

export function MessageList({ query, emptyText }: { query: Record<string, string | undefined>; emptyText: string }) {
  const q = qs({ ...query, limit: 50 });
  const [extra, setExtra] = useState<{ items: Message[]; cursor: string | null } | null>(null);
  const extraCount = useRef(0);
  extraCount.current = extra?.items.length ?? 0;
  useEffect(() => setExtra(null), [q]);
  const list = useLoad((signal) => api.get<Page<Message>>(`/messages${q}`, { signal }), [q], { pollMs: 5000 });

  async function more() {
    const cursor = extra?.cursor ?? list.data?.nextCursor;
    if (!cursor) return;
    const p = await api.get<Page<Message>>(`/messages${q}&cursor=${encodeURIComponent(cursor)}`);
    setExtra((e) => ({ items: [...(e?.items ?? []), ...p.items], cursor: p.nextCursor }));
  }

  if (list.loading && !list.data) return <Loading label="Loading messages…" />;
  if (list.error) return <ErrorBanner error={list.error} title="Messages could not be loaded" onRetry={() => list.reload()} />;
  const rows = [...(list.data?.items ?? []), ...(extra?.items ?? [])];
  if (!rows.length) return <Empty icon="outbox" title="No messages">{emptyText}</Empty>;
  const cursor = extra ? extra.cursor : list.data?.nextCursor;
  return (
    <div className="messages">
      <ul className="message-list" aria-label="Messages">
        {rows.map((m) => <MessageRow key={m.id} m={m} />)}
      </ul>
      {cursor ? <div className="table-more"><Button onClick={more}>Load more</Button></div> : null}
    </div>
  );
}

function MessageRow({ m }: { m: Message }) {
  const tenant = useTenant();
  const [open, setOpen] = useState(false);
  const panel = `msg-${m.id}`;
  const title = m.subject ?? (m.channel === 'webhook' ? m.recipient : m.body);
  return (
    <li className={`card message ${open ? 'open' : ''}`} data-message-id={m.id}>
      <button type="button" className="message-head" aria-expanded={open} aria-controls={panel} onClick={() => setOpen((o) => !o)}>
        <span className={`channel channel-${m.channel}`} aria-hidden="true"><Icon name={CHANNEL_ICON[m.channel] ?? 'outbox'} size={16} /></span>
        <span className="message-main">
          <span className="message-to"><span className="sr-only">{m.channel} to </span>{m.recipient}</span>
          <span className="message-title">{title}</span>
        </span>
        <Badge tone={statusTone(m.status)}>{humanize(m.status)}</Badge>
        <span className="message-time small muted" title={formatDateTime(m.createdAt, tenant.settings.timezone)}>{timeAgo(m.createdAt)}</span>
      </button>
      {open ? (
        <div id={panel} className="message-body">
          {m.status === 'captured' ? <p className="muted small">Captured, not sent: no {m.channel === 'sms' ? 'SMS provider' : 'mail server'} is configured, so Bookflow keeps the message here.</p> : null}
          {m.subject ? <div className="rendered-subject">{m.subject}</div> : null}
          {m.html ? <EmailFrame html={m.html} title={`Email to ${m.recipient}: ${m.subject ?? ''}`} />
            : m.channel === 'sms' ? <div className="sms-bubble">{m.body}</div> : <pre className="rendered-text">{m.body}</pre>}
          {m.payload !== null && m.payload !== undefined ? <pre className="rendered-text">{JSON.stringify(m.payload, null, 2)}</pre> : null}
          <KeyValues items={[
            ['Channel', humanize(m.channel)],
            ['Status', `${humanize(m.status)}${m.providerStatus ? ` (${m.providerStatus})` : ''}`],
            ['Provider id', m.providerId ?? '—'],
            ['Attempts', String(m.attempts)],
            ['Sent', formatDateTime(m.sentAt, tenant.settings.timezone)],
            ...(m.lastError ? [['Last error', m.lastError] as [string, string]] : []),
            ['Run', m.runId ? <a href={href('runs', m.runId)}>{m.runId}</a> : '—'],
            ['Booking', m.bookingId ? <a href={href('bookings', m.bookingId)}>{m.bookingId}</a> : '—'],
          ]} />
        </div>
      ) : null}
    </li>
  );
}
