// "Is our email and SMS set-up working?": a test email (to the admin address, or another) and a test SMS sent
// through the configured providers (POST /api/settings/test-message), with what the provider answered, or why not.
import { useState } from 'react';
import { api } from '../../lib/api';
import { useTenant } from '../../lib/tenant';
import { useSave } from '../../lib/use-api';
import { Button, ErrorBanner, Field, Notice } from '../../components/ui';

interface Sent { channel: string; to: string; providerId: string; response: string }

function Check({ channel, label, placeholder, initial }: { channel: 'email' | 'sms'; label: string; placeholder: string; initial: string }) {
  const [to, setTo] = useState(initial);
  const [sent, setSent] = useState<Sent | null>(null);
  const { busy, error, errors, run } = useSave();
  const toErrors = errors.filter((e) => e.pointer === '/to').map((e) => e.message);
  const send = () => {
    setSent(null);
    return run(async () => setSent(await api.post<Sent>('/settings/test-message', { channel, ...(to.trim() ? { to: to.trim() } : {}) })));
  };
  return (
    <div className="delivery-check">
      <div className="row">
        <Field label={label} errors={toErrors}>
          {(p) => <input {...p} className="input" type={channel === 'email' ? 'email' : 'tel'} value={to} placeholder={placeholder} onChange={(e) => setTo(e.target.value)} />}
        </Field>
        <Button busy={busy} onClick={send}>{channel === 'email' ? 'Send a test email' : 'Send a test SMS'}</Button>
      </div>
      {sent ? <Notice tone="success" title={`Sent to ${sent.to}`}>The provider answered: {sent.response || sent.providerId}</Notice> : null}
      <ErrorBanner error={error} title={`The test ${channel === 'email' ? 'email' : 'SMS'} was not sent`} />
    </div>
  );
}

export function DeliveryCheck() {
  const tenant = useTenant();
  return (
    <section className="card settings-form" aria-labelledby="delivery-title">
      <h2 id="delivery-title" className="card-title">Check delivery</h2>
      <p className="muted small">Sends one test message through the mail server and SMS provider Bookflow is configured with. Nothing is stored.</p>
      <Check channel="email" label="Test email to" placeholder="the admin email" initial={tenant.settings.adminEmail ?? ''} />
      <Check channel="sms" label="Test SMS to" placeholder="+4791234567" initial="" />
    </section>
  );
}
