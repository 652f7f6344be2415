// The waiting list, per slot (a resource and a time): the queue in order with positions, scores and statuses,
// offers with their countdown, manual offer / expire / cancel, and the explanation of each allocation.
import { useId, useMemo, useState } from 'react';
import { api, listAll, qs } from '../../lib/api';
import { useTenant } from '../../lib/tenant';
import { useLoad } from '../../lib/use-api';
import { Empty, ErrorBanner, Loading, PageHeader, Notice } from '../../components/ui';
import { OPEN, toSlots, type Entry } from './model';
import { SlotQueue } from './SlotQueue';

const dayStart = (d: string) => (d ? new Date(`${d}T00:00:00`).toISOString() : undefined);
const dayEnd = (d: string) => (d ? new Date(new Date(`${d}T00:00:00`).getTime() + 86400_000).toISOString() : undefined);

export function WaitlistPage() {
  const tenant = useTenant();
  const [filter, setFilter] = useState({ clubId: '', resourceId: '', from: '', to: '', closed: false });
  const ids = { club: useId(), resource: useId(), from: useId(), to: useId(), closed: useId() };
  // By default the queue from today on; entries for slots in the past are history.
  const from = filter.from ? dayStart(filter.from) : dayStart(new Date().toISOString().slice(0, 10));
  const query = qs({ clubId: filter.clubId, resourceId: filter.resourceId, desiredFrom: from, desiredTo: dayEnd(filter.to) });
  const settings = useLoad((signal) => api.get<{ priority: string; mode: string; enabled: boolean; offerWindowMinutes: number }>('/settings/waitlist', { signal }), []);
  const entries = useLoad(() => listAll<Entry>(`/facility-waitlist${query}`, 2000), [query], { pollMs: 5000 });

  const slots = useMemo(() => {
    const list = (entries.data ?? []).filter((e) => filter.closed || OPEN.has(e.status));
    return toSlots(list, settings.data?.priority ?? 'score');
  }, [entries.data, filter.closed, settings.data?.priority]);

  const set = (k: 'clubId' | 'resourceId' | 'from' | 'to') => (e: { target: { value: string } }) => setFilter((f) => ({ ...f, [k]: e.target.value }));
  const resources = tenant.resources.filter((r) => !filter.clubId || r.locationId === filter.clubId);
  const s = settings.data;

  return (
    <>
      <PageHeader title="Waiting list"
        description={s ? `Freed seats go to the next in line: ${s.mode === 'auto_assign' ? 'booked for them straight away' : `offered for ${s.offerWindowMinutes} minutes`}, ordered by ${s.priority === 'fifo' ? 'who waited longest' : 'priority score, then who waited longest'}.` : 'Who waits for which slot, in the order seats are given out.'} />
      {s && !s.enabled ? <Notice tone="warning" title="The waiting list is turned off">Nobody can join; offers already made are honoured. Turn it on in Settings.</Notice> : null}
      <form className="toolbar" aria-label="Filter the waiting list" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label className="field-label" htmlFor={ids.club}>Location</label>
          <select id={ids.club} className="input" value={filter.clubId} onChange={set('clubId')}>
            <option value="">Any location</option>
            {tenant.locations.map((l) => <option key={l.id} value={l.id}>{l.name}</option>)}
          </select>
        </div>
        <div className="field">
          <label className="field-label" htmlFor={ids.resource}>Resource</label>
          <select id={ids.resource} className="input" value={filter.resourceId} onChange={set('resourceId')}>
            <option value="">Any resource</option>
            {resources.map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
          </select>
        </div>
        <div className="field">
          <label className="field-label" htmlFor={ids.from}>Slots from</label>
          <input id={ids.from} type="date" className="input" value={filter.from} onChange={set('from')} />
        </div>
        <div className="field">
          <label className="field-label" htmlFor={ids.to}>To</label>
          <input id={ids.to} type="date" className="input" value={filter.to} onChange={set('to')} />
        </div>
        <label className="check-inline" htmlFor={ids.closed}>
          <input id={ids.closed} type="checkbox" checked={filter.closed} onChange={(e) => setFilter((f) => ({ ...f, closed: e.target.checked }))} />
          Show accepted, expired and cancelled
        </label>
      </form>
      {entries.loading && !entries.data ? <Loading label="Loading the waiting list…" /> : null}
      <ErrorBanner error={entries.error ?? settings.error} title="The waiting list could not be loaded" onRetry={() => entries.reload()} />
      {entries.data && slots.length === 0 ? (
        <Empty icon="waitlist" title="Nobody is waiting">
          When a slot is full, customers can join its waiting list (through the API or your booking site). They appear here, per slot.
        </Empty>
      ) : null}
      <div className="slots">
        {slots.map((slot) => <SlotQueue key={slot.key} slot={slot} offerWindowMinutes={s?.offerWindowMinutes ?? 60} onChanged={() => entries.reload({ quiet: true })} />)}
      </div>
    </>
  );
}
