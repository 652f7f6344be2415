// Bookings by start time, filtered by status, location, resource and dates; add one, change a status or delete from here.
import { useId, useState } from 'react';
import { qs } from '../../lib/api';
import { formatRange, humanize, STATUSES, statusTone } from '../../lib/format';
import { href, navigate } from '../../lib/router';
import { useTenant } from '../../lib/tenant';
import type { Booking } from '../../lib/types';
import { usePagedList } from '../../lib/use-api';
import { PagedTable } from '../../components/PagedTable';
import { Badge, Button, Empty, PageHeader } from '../../components/ui';
import { useToast } from '../../components/Toasts';
import { NewBookingDialog } from './NewBookingDialog';
import { NEXT, StatusDialog } from './StatusDialog';

interface Filter { status: string; locationId: string; resourceId: string; from: string; to: string }

/** A date input's day (local midnight) as an instant. */
const dayStart = (d: string) => (d ? new Date(`${d}T00:00:00`).toISOString() : undefined);
const dayEnd = (d: string) => (d ? new Date(new Date(`${d}T00:00:00`).getTime() + 86400_000).toISOString() : undefined);

export function BookingList() {
  const tenant = useTenant();
  const toast = useToast();
  const [filter, setFilter] = useState<Filter>({ status: '', locationId: '', resourceId: '', from: '', to: '' });
  const [dialog, setDialog] = useState<{ booking: Booking; mode: 'status' | 'delete' } | null>(null);
  const [adding, setAdding] = useState(false);
  const ids = { status: useId(), location: useId(), resource: useId(), from: useId(), to: useId() };
  const query = qs({
    status: filter.status, locationId: filter.locationId, resourceId: filter.resourceId, from: dayStart(filter.from), to: dayEnd(filter.to), limit: 50,
  });
  const list = usePagedList<Booking>(`/bookings${query}`);

  const set = (k: keyof Filter) => (e: { target: { value: string } }) => setFilter((f) => ({ ...f, [k]: e.target.value }));
  const rows = list.items;
  const resources = tenant.resources.filter((r) => !filter.locationId || r.locationId === filter.locationId);
  const filtered = Object.values(filter).some(Boolean);

  return (
    <>
      <PageHeader title="Bookings" description="Every booking, by start time. Adding one or changing a status here runs the workflows that listen for it."
        actions={<Button variant="primary" icon="plus" onClick={() => setAdding(true)}>New booking</Button>} />
      <form className="toolbar filters" aria-label="Filter bookings" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label className="field-label" htmlFor={ids.status}>Status</label>
          <select id={ids.status} className="input" value={filter.status} onChange={set('status')}>
            <option value="">Any status</option>
            {STATUSES.map((s) => <option key={s} value={s}>{humanize(s)}</option>)}
          </select>
        </div>
        <div className="field">
          <label className="field-label" htmlFor={ids.location}>Location</label>
          <select id={ids.location} className="input" value={filter.locationId} onChange={set('locationId')}>
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
          <label className="field-label" htmlFor={ids.from}>From</label>
          <input id={ids.from} type="date" className="input" value={filter.from} onChange={set('from')} />
        </div>
        <div className="field">
          <label className="field-label" htmlFor={ids.to}>To</label>
          <input id={ids.to} type="date" className="input" value={filter.to} onChange={set('to')} />
        </div>
        {filtered ? <Button size="sm" variant="ghost" className="toolbar-reset" onClick={() => setFilter({ status: '', locationId: '', resourceId: '', from: '', to: '' })}>Clear filters</Button> : null}
      </form>
      <PagedTable list={list} what="Bookings" empty={(
        <Empty icon="bookings" title={filtered ? 'No booking matches these filters' : 'No bookings yet'}>
          {filtered ? 'Try a wider date range or another status.' : 'Bookings made through the API (or your booking site) appear here; add one by hand with New booking.'}
        </Empty>
      )}>
        <table className="table">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Customer</th>
              <th scope="col">Resource</th>
              <th scope="col">Service</th>
              <th scope="col">Seats</th>
              <th scope="col">Status</th>
              <th scope="col"><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {rows.map((b) => (
              <tr key={b.id} data-booking-id={b.id}>
                <td><a className="strong-link" href={href('bookings', b.id)}>{formatRange(b.startTime, b.endTime, tenant.zoneOf(b.resourceId))}</a></td>
                <td>{tenant.name('customer', b.customerId)}</td>
                <td>{tenant.name('resource', b.resourceId)}</td>
                <td>{b.serviceId ? tenant.name('service', b.serviceId) : <span className="muted">—</span>}</td>
                <td>{b.seats}</td>
                <td><Badge tone={statusTone(b.status)}>{humanize(b.status)}</Badge></td>
                <td className="cell-actions">
                  {NEXT[b.status] ? (
                    <Button size="sm" onClick={() => setDialog({ booking: b, mode: 'status' })} aria-label={`Change status of the booking of ${tenant.name('customer', b.customerId)}`}>Change status</Button>
                  ) : null}
                  <Button size="sm" variant="ghost" icon="trash" className="danger-text" onClick={() => setDialog({ booking: b, mode: 'delete' })}
                    aria-label={`Delete the booking of ${tenant.name('customer', b.customerId)}`}>Delete</Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </PagedTable>
      {adding ? (
        <NewBookingDialog onClose={() => setAdding(false)}
          onDone={(b) => {
            setAdding(false);
            toast('Booking added');
            navigate(`/bookings/${encodeURIComponent(b.id)}`);
          }}
          onWaitlisted={() => { setAdding(false); navigate('/waitlist'); }} />
      ) : null}
      {dialog ? (
        <StatusDialog booking={dialog.booking} mode={dialog.mode} onClose={() => setDialog(null)}
          onDone={(b) => {
            setDialog(null);
            toast(b ? `Booking is now ${humanize(b.status).toLowerCase()}` : 'Booking deleted');
            list.first.reload({ quiet: true });
          }} />
      ) : null}
    </>
  );
}
