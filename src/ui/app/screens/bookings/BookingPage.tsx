// One booking: its details, its status (changeable), the workflows that apply to it and why the others do not, every
// run about it ("why did or didn't they get a message?") and every message sent about it.
import { useState } from 'react';
import { api } from '../../lib/api';
import { formatDateTime, formatRange, humanize, statusTone } from '../../lib/format';
import { navigate } from '../../lib/router';
import { useTenant } from '../../lib/tenant';
import type { Booking } from '../../lib/types';
import { useLoad } from '../../lib/use-api';
import { Badge, Button, ErrorBanner, KeyValues, Loading, PageHeader } from '../../components/ui';
import { useToast } from '../../components/Toasts';
import { MessageList } from '../outbox/MessageList';
import { RunTable } from '../runs/RunTable';
import { BookingWorkflows } from './BookingWorkflows';
import { CustomerDialog } from '../customers/CustomerDialog';
import { NEXT, StatusDialog } from './StatusDialog';

interface StatusChange { occurredAt: string; data: { from: string; to: string; reason: string | null } }

export function BookingPage({ id }: { id: string }) {
  const tenant = useTenant();
  const toast = useToast();
  const booking = useLoad((signal) => api.get<Booking>(`/bookings/${encodeURIComponent(id)}`, { signal }), [id]);
  const [dialog, setDialog] = useState<'status' | 'delete' | 'customer' | null>(null);
  const [customerVersion, setCustomerVersion] = useState(0);
  const tz = booking.data ? tenant.zoneOf(booking.data.resourceId) : tenant.settings.timezone;
  // The last status change, for when and why (the reason staff gave, which the customer's message may quote).
  const lastChange = useLoad((signal) => api.get<{ items: StatusChange[] }>(
    `/events?type=booking.status_changed&subjectId=${encodeURIComponent(id)}&limit=1`, { signal }), [id, booking.data?.status]);

  if (booking.loading && !booking.data) return <Loading label="Loading the booking…" />;
  if (booking.error || !booking.data) {
    return (
      <>
        <PageHeader back={{ href: '#/bookings', label: 'Bookings' }} title="Booking" />
        <ErrorBanner error={booking.error} title="This booking could not be loaded" onRetry={() => booking.reload()} />
      </>
    );
  }
  const b = booking.data;
  const changed = lastChange.data?.items[0];
  const customer = tenant.customers.find((c) => c.id === b.customerId);
  return (
    <>
      <PageHeader back={{ href: '#/bookings', label: 'Bookings' }} title={`${tenant.name('customer', b.customerId)} · ${tenant.name('resource', b.resourceId)}`}
        description={formatRange(b.startTime, b.endTime, tz)}
        actions={(
          <>
            {NEXT[b.status] ? <Button variant="primary" onClick={() => setDialog('status')}>Change status</Button> : null}
            <Button variant="ghost" icon="trash" className="danger-text" onClick={() => setDialog('delete')}>Delete</Button>
          </>
        )} />
      <section className="card" aria-label="Booking details">
        <KeyValues items={[
          ['Status', <>
            <Badge tone={statusTone(b.status)}>{humanize(b.status)}</Badge>
            {changed?.data.to === b.status ? (
              <span className="muted small"> since {formatDateTime(changed.occurredAt, tz)}{changed.data.reason ? <> · reason: “{changed.data.reason}”</> : null}</span>
            ) : null}
          </>],
          ['Customer', <>
            {tenant.name('customer', b.customerId)}{customer?.email ? <span className="muted"> · {customer.email}</span> : null}{customer?.phone ? <span className="muted"> · {customer.phone}</span> : null}
            {customer ? <Button size="sm" variant="ghost" className="inline-action" onClick={() => setDialog('customer')} aria-label={`Edit customer ${customer.name}`}>Edit</Button> : null}
          </>],
          ['Resource', tenant.name('resource', b.resourceId)],
          ['Service', b.serviceId ? tenant.name('service', b.serviceId) : '—'],
          ['Seats', String(b.seats)],
          ['Language', b.language ?? customer?.language ?? `${tenant.settings.defaultLanguage} (default)`],
          ['Notes', b.notes || '—'],
          ['Booked', formatDateTime(b.createdAt, tz)],
          ['Id', <code>{b.id}</code>],
        ]} />
      </section>
      <section className="section" aria-labelledby="booking-workflows">
        <h2 id="booking-workflows" className="section-title">Workflows for this booking</h2>
        <p className="muted small">Whether each workflow would act on the booking as it is now, and how it last ran for it. Every run is under Runs below.</p>
        <BookingWorkflows key={customerVersion} bookingId={b.id} status={b.status} tz={tz} />
      </section>
      <section className="section" aria-labelledby="booking-runs">
        <h2 id="booking-runs" className="section-title">Runs about this booking</h2>
        <RunTable path={`/bookings/${encodeURIComponent(b.id)}/runs`} showBooking={false} emptyText="No workflow has considered this booking yet." />
      </section>
      <section className="section" aria-labelledby="booking-messages">
        <h2 id="booking-messages" className="section-title">Messages about this booking</h2>
        <MessageList query={{ bookingId: b.id }} emptyText="Nothing was sent about this booking." />
      </section>
      {dialog === 'customer' && customer ? (
        <CustomerDialog customer={customer} onClose={() => setDialog(null)}
          onSaved={(c) => {
            setDialog(null);
            toast(`${c.name} saved`);
            setCustomerVersion((v) => v + 1); // a language or opt-out change can change which workflows apply
          }} />
      ) : null}
      {dialog === 'status' || dialog === 'delete' ? (
        <StatusDialog booking={b} mode={dialog} onClose={() => setDialog(null)}
          onDone={(nb) => {
            setDialog(null);
            if (nb) {
              toast(`Booking is now ${humanize(nb.status).toLowerCase()}`);
              booking.reload({ quiet: true });
            } else {
              toast('Booking deleted');
              navigate('/bookings');
            }
          }} />
      ) : null}
    </>
  );
}
