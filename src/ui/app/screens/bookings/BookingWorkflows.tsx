// The tenant's workflows seen from one booking: which apply to it as it is now, why the others do not (a filter, or
// switched off: cases the run history cannot show, because nothing ran), when its reminders are due, and how each
// last ran for it. The API judges the booking as it is now only; the last run is what keeps that from reading as
// a contradiction ("Does not apply" above a confirmation that was sent while the booking was still confirmed).
import { api, type Page } from '../../lib/api';
import { formatDateTime, humanize, reasonText, timeAgo } from '../../lib/format';
import { href } from '../../lib/router';
import type { Run } from '../../lib/types';
import { useLoad } from '../../lib/use-api';
import { Badge, Empty, ErrorBanner, Loading } from '../../components/ui';

interface BookingWorkflow {
  workflowId: string; name: string; trigger: string; enabled: boolean; builtin: boolean;
  applies: boolean; reason: string | null; moment: string | null; scheduledFor: string | null;
}

function when(w: BookingWorkflow, tz: string): string {
  if (!w.moment) return '';
  if (w.scheduledFor) return `Scheduled for ${formatDateTime(w.scheduledFor, tz)}`;
  // Its time, were it to apply: not a promise that it runs (the badge says it does not).
  if (!w.applies) return `Its time, if it applied: ${formatDateTime(w.moment, tz)}`;
  return Date.parse(w.moment) <= Date.now() ? `Its moment has passed (${formatDateTime(w.moment, tz)})` : `Due ${formatDateTime(w.moment, tz)}`;
}

export function BookingWorkflows({ bookingId, status, tz }: { bookingId: string; status: string; tz: string }) {
  // Reloaded when the booking's status changes: filters and reminders follow it.
  const list = useLoad((signal) => api.get<{ items: BookingWorkflow[]; truncated: boolean }>(`/bookings/${encodeURIComponent(bookingId)}/workflows`, { signal }), [bookingId, status]);
  // Newest first: the first run of each workflow is its last. Runs arrive after the change that caused them: polled.
  const runs = useLoad((signal) => api.get<Page<Run>>(`/bookings/${encodeURIComponent(bookingId)}/runs?limit=100`, { signal }), [bookingId, status], { pollMs: 5000 });
  const lastRun = new Map<string, Run>();
  for (const r of runs.data?.items ?? []) if (!lastRun.has(r.workflowId)) lastRun.set(r.workflowId, r);
  if (list.loading && !list.data) return <Loading label="Loading workflows…" />;
  if (list.error || !list.data) return <ErrorBanner error={list.error} title="Workflows could not be loaded" onRetry={() => list.reload()} />;
  const items = list.data.items;
  if (!items.length) return <Empty icon="workflow" title="No booking workflows">No workflow reacts to bookings yet.</Empty>;
  return (
    <div className="table-wrap card">
      <table className="table" aria-label="Workflows for this booking">
        <thead>
          <tr>
            <th scope="col">Workflow</th>
            <th scope="col">When</th>
            <th scope="col">For the booking as it is now</th>
          </tr>
        </thead>
        <tbody>
          {items.map((w) => {
            const ran = lastRun.get(w.workflowId);
            return (
              <tr key={w.workflowId}>
                <td>
                  <a href={href('workflows', w.workflowId)}>{w.name}</a>
                  {w.builtin ? <span className="muted small"> · built-in</span> : null}
                </td>
                <td className="small">{w.trigger}</td>
                <td>
                  <Badge tone={w.applies ? 'success' : 'neutral'}>{w.applies ? 'Applies' : ran?.decision === 'ran' ? 'No longer applies' : 'Does not apply'}</Badge>
                  {w.reason ? <div className="small muted">{reasonText(w.reason)}</div> : null}
                  {w.moment ? <div className="small muted">{when(w, tz)}</div> : null}
                  {ran ? (
                    <div className="small">
                      Last run for this booking: <a href={href('runs', ran.id)} title={formatDateTime(ran.createdAt, tz)}>
                        {ran.decision === 'skipped' ? 'Skipped' : humanize(ran.status)}, {timeAgo(ran.createdAt)}
                      </a>
                    </div>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {list.data.truncated ? <p className="muted small table-more">Showing the first 500 workflows.</p> : null}
    </div>
  );
}
