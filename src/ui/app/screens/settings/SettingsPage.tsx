// Tenant settings: name, time zone, default language, admin email (PATCH /api/settings), a check of the email and
// SMS set-up, and the waitlist settings when the server has them.
import { useId, useMemo, useState, type FormEvent } from 'react';
import { api } from '../../lib/api';
import { useSave } from '../../lib/use-api';
import { languageName } from '../../lib/format';
import { useTenant } from '../../lib/tenant';
import type { Settings } from '../../lib/types';
import { Button, ErrorBanner, Field, PageHeader } from '../../components/ui';
import { useToast } from '../../components/Toasts';
import { DeliveryCheck } from './DeliveryCheck';
import { WaitlistSettings } from './WaitlistSettings';

const COMMON_LANGUAGES = ['en', 'nb', 'nn', 'sv', 'da', 'fi', 'de', 'fr', 'es', 'nl', 'pl'];

function timeZones(): string[] {
  try {
    return (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf('timeZone');
  } catch {
    return ['UTC', 'Europe/Oslo', 'Europe/Stockholm', 'Europe/London', 'America/New_York'];
  }
}

export function SettingsPage() {
  const tenant = useTenant();
  const toast = useToast();
  const s = tenant.settings;
  const [form, setForm] = useState({ name: s.name, timezone: s.timezone, defaultLanguage: s.defaultLanguage, adminEmail: s.adminEmail ?? '' });
  const { busy, error, errors, run } = useSave();
  const zones = useMemo(timeZones, []);
  const zoneList = useId();
  const languages = useMemo(() => [...new Set([s.defaultLanguage, ...COMMON_LANGUAGES])], [s.defaultLanguage]);
  const errs = (k: string) => errors.filter((e) => e.pointer === `/${k}`).map((e) => e.message);
  const changed = form.name !== s.name || form.timezone !== s.timezone || form.defaultLanguage !== s.defaultLanguage || (form.adminEmail || null) !== s.adminEmail;

  const save = (e: FormEvent) => {
    e.preventDefault();
    return run(async () => {
      const saved = await api.patch<Settings>('/settings', {
        name: form.name.trim(), timezone: form.timezone.trim(), defaultLanguage: form.defaultLanguage.trim(), adminEmail: form.adminEmail.trim() || null,
      });
      tenant.setSettings(saved);
      toast('Settings saved');
    });
  };

  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  return (
    <>
      <PageHeader title="Settings" description={<>Workspace <code>{s.id}</code></>} />
      <form className="card settings-form" onSubmit={save} noValidate aria-labelledby="general-title">
        <h2 id="general-title" className="card-title">General</h2>
        <ErrorBanner error={error} title="Settings were not saved" />
        <div className="form-grid">
          <Field label="Business name" errors={errs('name')}>
            {(p) => <input {...p} className="input" value={form.name} onChange={set('name')} maxLength={200} />}
          </Field>
          <Field label="Admin email" errors={errs('adminEmail')} hint="Workflows can send to this address (“Send to: admin”); Bookflow tells it when a message could not be delivered or a webhook endpoint was disabled.">
            {(p) => <input {...p} className="input" type="email" value={form.adminEmail} onChange={set('adminEmail')} placeholder="bookings@example.com" />}
          </Field>
          <Field label="Time zone" errors={errs('timezone')} hint="Dates in messages use a location's own zone; this one is used where there is none.">
            {(p) => (
              <>
                <input {...p} className="input" list={zoneList} value={form.timezone} onChange={set('timezone')} spellCheck={false} autoComplete="off" />
                <datalist id={zoneList}>{zones.map((z) => <option key={z} value={z} />)}</datalist>
              </>
            )}
          </Field>
          <Field label="Default language" errors={errs('defaultLanguage')} hint="For recipients without a language of their own.">
            {(p) => (
              <select {...p} className="input" value={form.defaultLanguage} onChange={set('defaultLanguage')}>
                {languages.map((l) => <option key={l} value={l}>{languageName(l)}</option>)}
              </select>
            )}
          </Field>
        </div>
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={busy} disabled={!changed}>Save settings</Button>
        </div>
      </form>
      <DeliveryCheck />
      <WaitlistSettings />
    </>
  );
}
