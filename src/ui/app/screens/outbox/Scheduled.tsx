// What will be sent: the reminders waiting for their moment in the next 7 days (GET /api/scheduled), soonest first,
// each with its workflow and booking. They follow the booking: a cancelled one disappears, a moved one moves.
import { api } from '../../lib/api';
import { formatDateTime, timeAgo } from '../../lib/format';
import { href } from '../../lib/router';
import { useTenant } from '../../lib/tenant';
import { useLoad } from '../../lib/use-api';
import { Empty, ErrorBanner, Loading } from '../../components/ui';

interface ScheduledReminder {
  runAt: string; workflowId: string; workflowName: string; bookingId: string; startTime: string; resourceId: string;
  customerId: string; customerName: string | null;
}

export function Scheduled() {
  const tenant = useTenant();
  const list = useLoad((signal) => api.get<{ items: ScheduledReminder[]; truncated: boolean }>('/scheduled?limit=200', { signal }), [], { pollMs: 30_000 });
  if (list.loading && !list.data) return <Loading label="Loading scheduled reminders…" />;
  if (list.error || !list.data) return <ErrorBanner error={list.error} title="Scheduled reminders could not be loaded" onRetry={() => list.reload()} />;
  if (!list.data.items.length) {
    return <Empty icon="runs" title="Nothing scheduled in the next 7 days">Reminders appear here when a booking falls within a time-offset workflow, such as “24 hours before start”.</Empty>;
  }
  return (
    <div className="table-wrap card">
      <table className="table" aria-label="Scheduled reminders">
        <thead>
          <tr>
            <th scope="col">Goes out</th>
            <th scope="col">Workflow</th>
            <th scope="col">Booking</th>
          </tr>
        </thead>
        <tbody>
          {list.data.items.map((r) => {
            const tz = tenant.zoneOf(r.resourceId);
            return (
              <tr key={`${r.workflowId}-${r.bookingId}`}>
                <td><span className="strong">{formatDateTime(r.runAt, tz)}</span><div className="muted small">{timeAgo(r.runAt)}</div></td>
                <td><a href={href('workflows', r.workflowId)}>{r.workflowName}</a></td>
                <td>
                  <a href={href('bookings', r.bookingId)}>{r.customerName ?? r.customerId} · {tenant.name('resource', r.resourceId)}</a>
                  <div className="muted small">starts {formatDateTime(r.startTime, tz)}</div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {list.data.truncated ? <p className="muted small table-more">Showing the first 200.</p> : null}
    </div>
  );
}
