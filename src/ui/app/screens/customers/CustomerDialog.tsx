// A customer's details: the address, number, language, tier and channels they opted out of. Opened from the
// customer list (also to add one) and from a booking, where an admin lands after "a message could not be
// delivered": fix the number here, then retry the failed run. POST /api/customers or PATCH /api/customers/:id; the
// server's per-field errors show at their field.
import { useState } from 'react';
import { api } from '../../lib/api';
import { useSave } from '../../lib/use-api';
import { useTenant } from '../../lib/tenant';
import type { Customer } from '../../lib/types';
import { Dialog } from '../../components/Dialog';
import { Button, ErrorBanner, Field } from '../../components/ui';

const CHANNELS = [['email', 'Email'], ['sms', 'SMS']] as const;

export function CustomerDialog({ customer, onClose, onSaved }: { customer: Customer | null; onClose(): void; onSaved(c: Customer): void }) {
  const tenant = useTenant();
  const [name, setName] = useState(customer?.name ?? '');
  const [email, setEmail] = useState(customer?.email ?? '');
  const [phone, setPhone] = useState(customer?.phone ?? '');
  const [language, setLanguage] = useState(customer?.language ?? '');
  const [tier, setTier] = useState(customer?.tier ?? '');
  const [optOut, setOptOut] = useState<string[]>(customer?.optOut ?? []);
  const { busy, error, errors, run } = useSave();
  const errs = (field: string) => errors.filter((e) => e.pointer === `/${field}`).map((e) => e.message);

  const save = () => run(async () => {
    const blank = (s: string) => (s.trim() ? s.trim() : null);
    const body = { name: name.trim(), email: blank(email), phone: blank(phone), language: blank(language), tier: blank(tier), optOut };
    const saved = customer
      ? await api.patch<Customer>(`/customers/${encodeURIComponent(customer.id)}`, body)
      : await api.post<Customer>('/customers', body);
    await tenant.refresh();
    onSaved(saved);
  });

  return (
    <Dialog open title={customer ? `Edit ${customer.name}` : 'New customer'} onClose={onClose}
      footer={<><Button onClick={onClose}>Cancel</Button><Button variant="primary" busy={busy} onClick={save}>Save customer</Button></>}>
      <ErrorBanner error={error} title="The customer was not saved" />
      <form className="form-grid" onSubmit={(e) => { e.preventDefault(); void save(); }}>
        <Field label="Name" errors={errs('name')}>
          {(p) => <input {...p} className="input" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label="Email" errors={errs('email')}>
          {(p) => <input {...p} className="input" type="email" value={email} onChange={(e) => setEmail(e.target.value)} />}
        </Field>
        <Field label="Phone" hint="E.164, e.g. +4791234567" errors={errs('phone')}>
          {(p) => <input {...p} className="input" type="tel" value={phone} onChange={(e) => setPhone(e.target.value)} />}
        </Field>
        <Field label="Language" hint="e.g. nb or en-GB; empty: the tenant's default" errors={errs('language')}>
          {(p) => <input {...p} className="input" value={language} onChange={(e) => setLanguage(e.target.value)} />}
        </Field>
        <Field label="Tier" hint="for the waiting list's tier bonus" errors={errs('tier')}>
          {(p) => <input {...p} className="input" value={tier} onChange={(e) => setTier(e.target.value)} />}
        </Field>
        <fieldset className="radio-group">
          <legend>Opted out of</legend>
          {CHANNELS.map(([value, label]) => (
            <label key={value} className="check-inline">
              <input type="checkbox" checked={optOut.includes(value)}
                onChange={(e) => setOptOut((o) => (e.target.checked ? [...o, value] : o.filter((x) => x !== value)))} />
              {label}
            </label>
          ))}
        </fieldset>
        <button type="submit" hidden aria-hidden tabIndex={-1} />
      </form>
    </Dialog>
  );
}
