// Adding a booking by hand (a phone booking, or a test of a workflow): POST /api/bookings. The start is entered as
// wall-clock time at the resource's location, in that location's time zone, whatever the browser's zone. A full
// slot answers 409 SLOT_FULL, shown here, with the way on: put the customer on the slot's waiting list. The booking
// runs the workflows like any other.
import { useState } from 'react';
import { api, ApiError } from '../../lib/api';
import { humanize, localInput, zonedToIso } from '../../lib/format';
import { useTenant } from '../../lib/tenant';
import type { Booking } from '../../lib/types';
import { useSave } from '../../lib/use-api';
import { Dialog } from '../../components/Dialog';
import { Button, ErrorBanner, Field } from '../../components/ui';
import { useToast } from '../../components/Toasts';

/** Tomorrow at 10:00, as a datetime-local value. */
function tomorrowTen(): string {
  const d = new Date(Date.now() + 86_400_000);
  d.setHours(10, 0, 0, 0);
  return localInput(d);
}

export function NewBookingDialog({ onClose, onDone, onWaitlisted }: { onClose(): void; onDone(b: Booking): void; onWaitlisted?(entryId: string): void }) {
  const tenant = useTenant();
  const [customerId, setCustomerId] = useState(tenant.customers[0]?.id ?? '');
  const [resourceId, setResourceId] = useState(tenant.resources[0]?.id ?? '');
  const [serviceId, setServiceId] = useState(tenant.services[0]?.id ?? '');
  const [start, setStart] = useState(tomorrowTen);
  const [minutes, setMinutes] = useState(String(tenant.services[0]?.durationMinutes ?? 60));
  const [seats, setSeats] = useState('1');
  const [status, setStatus] = useState<'confirmed' | 'pending'>('confirmed');
  const [notes, setNotes] = useState('');
  const { busy, error, run } = useSave();
  const waitlisting = useSave();
  const toast = useToast();
  const zone = resourceId ? tenant.zoneOf(resourceId) : tenant.settings.timezone;
  const missing = !customerId || !resourceId || !start || !(Number(minutes) > 0) || !(Number(seats) >= 1);

  function pickService(id: string) {
    setServiceId(id);
    const s = tenant.services.find((x) => x.id === id);
    if (s) setMinutes(String(s.durationMinutes));
  }

  const interval = () => {
    const startTime = zonedToIso(start, zone);
    return { startTime, endTime: new Date(Date.parse(startTime) + Number(minutes) * 60_000).toISOString() };
  };
  const save = () => run(async () => {
    const { startTime, endTime } = interval();
    onDone(await api.post<Booking>('/bookings', {
      customerId, resourceId, ...(serviceId ? { serviceId } : {}), startTime, endTime, seats: Number(seats), status,
      ...(notes.trim() ? { notes: notes.trim() } : {}),
    }));
  });

  if (!tenant.customers.length || !tenant.resources.length) {
    return (
      <Dialog open title="New booking" onClose={onClose} footer={<Button onClick={onClose}>Close</Button>}>
        <p>A booking needs a customer and a resource: add them through the API first (POST /api/customers, POST /api/resources).</p>
      </Dialog>
    );
  }
  return (
    <Dialog open title="New booking" onClose={onClose}
      footer={(
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" busy={busy} disabled={missing} onClick={save}>Add booking</Button>
        </>
      )}>
      <form className="form-grid" onSubmit={(e) => { e.preventDefault(); if (!missing) void save(); }}>
        <Field label="Customer">
          {(p) => (
            <select {...p} className="input" value={customerId} onChange={(e) => setCustomerId(e.target.value)}>
              {tenant.customers.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
            </select>
          )}
        </Field>
        <Field label="Resource">
          {(p) => (
            <select {...p} className="input" value={resourceId} onChange={(e) => setResourceId(e.target.value)}>
              {tenant.resources.map((r) => <option key={r.id} value={r.id}>{r.name} · {tenant.name('location', r.locationId)}</option>)}
            </select>
          )}
        </Field>
        <Field label="Service">
          {(p) => (
            <select {...p} className="input" value={serviceId} onChange={(e) => pickService(e.target.value)}>
              <option value="">No service</option>
              {tenant.services.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
            </select>
          )}
        </Field>
        <Field label="Starts" hint={`Local time at the location (${zone})`}>
          {(p) => <input {...p} className="input" type="datetime-local" required value={start} onChange={(e) => setStart(e.target.value)} />}
        </Field>
        <Field label="Minutes">
          {(p) => <input {...p} className="input" type="number" min={1} max={100000} required value={minutes} onChange={(e) => setMinutes(e.target.value)} />}
        </Field>
        <Field label="Seats">
          {(p) => <input {...p} className="input" type="number" min={1} max={10000} required value={seats} onChange={(e) => setSeats(e.target.value)} />}
        </Field>
        <Field label="Status">
          {(p) => (
            <select {...p} className="input" value={status} onChange={(e) => setStatus(e.target.value as 'confirmed' | 'pending')}>
              {(['confirmed', 'pending'] as const).map((s) => <option key={s} value={s}>{humanize(s)}</option>)}
            </select>
          )}
        </Field>
        <Field label="Notes (optional)">
          {(p) => <input {...p} className="input" value={notes} maxLength={2000} onChange={(e) => setNotes(e.target.value)} />}
        </Field>
        <button type="submit" hidden aria-hidden tabIndex={-1} />
      </form>
      <ErrorBanner error={error} title="The booking was not added" />
      {error instanceof ApiError && error.code === 'SLOT_FULL' ? (
        <div className="toolbar">
          <Button icon="plus" busy={waitlisting.busy} onClick={() => waitlisting.run(async () => {
            const { startTime, endTime } = interval();
            const entry = await api.post<{ id: string }>('/facility-waitlist', {
              clubId: tenant.resources.find((r) => r.id === resourceId)!.locationId, resourceId, memberId: customerId,
              desiredStart: startTime, desiredEnd: endTime, seats: Number(seats),
            });
            toast(`${tenant.name('customer', customerId)} is on the waiting list for this time`);
            onWaitlisted?.(entry.id);
          })}>Put {tenant.name('customer', customerId)} on the waiting list</Button>
        </div>
      ) : null}
      <ErrorBanner error={waitlisting.error} title="They were not put on the waiting list" />
    </Dialog>
  );
}
