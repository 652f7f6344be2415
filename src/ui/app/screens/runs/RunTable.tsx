// A list of runs (all, one workflow's, or one booking's), newest first: when, which workflow, the decision and
// why, how its steps went. Each opens the run with its steps.
import { useEffect, useRef, useState } from 'react';
import { api, type Page } from '../../lib/api';
import { useBookingsById } from '../../lib/bookings-by-id';
import { formatDateTime, humanize, reasonText, statusTone, timeAgo } from '../../lib/format';
import { href } from '../../lib/router';
import { useTenant } from '../../lib/tenant';
import type { Booking, Run } from '../../lib/types';
import { useLoad } from '../../lib/use-api';
import { Badge, Button, Empty, ErrorBanner, Loading } from '../../components/ui';

export function runOutcome(r: Run): { label: string; tone: ReturnType<typeof statusTone> } {
  if (r.decision === 'skipped') return { label: 'Skipped', tone: 'warning' };
  return { label: humanize(r.status), tone: statusTone(r.status) };
}

export function RunTable({ path, showWorkflow = true, showBooking = true, emptyText, decision, status }: {
  path: string; showWorkflow?: boolean; showBooking?: boolean; emptyText: string; decision?: string; status?: string[];
}) {
  const tenant = useTenant();
  const [pages, setPages] = useState<Run[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [more, setMore] = useState(false);
  const extra = useRef(0);
  extra.current = pages.length;
  const filter = `${decision ? `&decision=${decision}` : ''}${(status ?? []).map((x) => `&status=${x}`).join('')}`;
  useEffect(() => setPages([]), [path, filter]);
  const sep = path.includes('?') ? '&' : '?';
  const first = useLoad(async (signal) => {
    const p = await api.get<Page<Run>>(`${path}${sep}limit=50${filter}`, { signal });
    // Polling refreshes the first page; pages loaded with "Load more" keep their own cursor.
    if (extra.current === 0) setCursor(p.nextCursor);
    return p.items;
  }, [path, filter], { pollMs: 5000 });

  async function loadMore() {
    if (!cursor) return;
    setMore(true);
    try {
      const p = await api.get<Page<Run>>(`${path}${sep}limit=50&cursor=${encodeURIComponent(cursor)}${filter}`);
      setPages((x) => [...x, ...p.items]);
      setCursor(p.nextCursor);
    } finally {
      setMore(false);
    }
  }

  const runs = [...(first.data ?? []), ...pages];
  const bookings = useBookingsById(showBooking ? runs.flatMap((r) => (r.bookingId ? [r.bookingId] : [])) : []);

  if (first.loading && !first.data) return <Loading label="Loading runs…" />;
  if (first.error) return <ErrorBanner error={first.error} title="Runs could not be loaded" onRetry={() => first.reload()} />;
  if (!runs.length) return <Empty icon="runs" title="No runs yet">{emptyText}</Empty>;
  const tz = tenant.settings.timezone;
  return (
    <div className="table-wrap card">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">When</th>
            {showWorkflow ? <th scope="col">Workflow</th> : null}
            {showBooking ? <th scope="col">Booking</th> : null}
            <th scope="col">Outcome</th>
            <th scope="col">Steps</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => {
            const o = runOutcome(r);
            const failed = r.steps.filter((s) => s.status === 'failed').length;
            return (
              <tr key={r.id}>
                <td>
                  <a href={href('runs', r.id)} className="strong-link" title={formatDateTime(r.createdAt, tz)}>{timeAgo(r.createdAt)}</a>
                  <div className="muted small">{tenant.trigger(r.triggerType)?.title ?? humanize(r.triggerType)}</div>
                </td>
                {showWorkflow ? <td><a href={href('workflows', r.workflowId)}>{r.workflowName}</a></td> : null}
                {showBooking ? <td>{r.bookingId ? <BookingCell id={r.bookingId} booking={bookings[r.bookingId]} /> : <span className="muted">—</span>}</td> : null}
                <td>
                  <Badge tone={o.tone}>{o.label}</Badge>
                  {r.decision === 'skipped' ? <div className="small muted">{reasonText(r.reason)}</div> : null}
                </td>
                <td className="small">
                  {r.decision === 'skipped' ? <span className="muted">—</span> : (
                    <>
                      {r.steps.length} step{r.steps.length === 1 ? '' : 's'}
                      {failed ? <span className="danger-text"> · {failed} failed</span> : null}
                    </>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {cursor ? <div className="table-more"><Button busy={more} onClick={loadMore}>Load more</Button></div> : null}
    </div>
  );
}

/** The booking as a person knows it (customer · resource, then its local time); its id until known, or once deleted. */
function BookingCell({ id, booking }: { id: string; booking: Booking | null | undefined }) {
  const tenant = useTenant();
  if (!booking) {
    return (
      <>
        <a href={href('bookings', id)} className="mono-ish small">{id}</a>
        {booking === null ? <div className="muted small">deleted</div> : null}
      </>
    );
  }
  return (
    <>
      <a href={href('bookings', id)} title={id}>{tenant.name('customer', booking.customerId)} · {tenant.name('resource', booking.resourceId)}</a>
      <div className="muted small">{formatDateTime(booking.startTime, tenant.zoneOf(booking.resourceId))}</div>
    </>
  );
}
