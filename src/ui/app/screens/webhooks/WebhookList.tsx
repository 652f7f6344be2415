// Webhook subscriptions: where events go, which ones, whether the endpoint is healthy; create, change, test,
// rotate the signing secret, delete.
import { useState } from 'react';
import { api, listAll } from '../../lib/api';
import { formatDateTime, timeAgo } from '../../lib/format';
import { href } from '../../lib/router';
import { useTenant } from '../../lib/tenant';
import { useLoad } from '../../lib/use-api';
import { CopyButton } from '../../components/CopyButton';
import { Dialog } from '../../components/Dialog';
import { Badge, Button, Empty, ErrorBanner, LinkButton, Loading, Notice, PageHeader, Switch } from '../../components/ui';
import { useToast } from '../../components/Toasts';
import { eventsInWords, type Subscription } from './types';
import { WebhookForm } from './WebhookForm';

export function WebhookList() {
  const tenant = useTenant();
  const toast = useToast();
  const list = useLoad(() => listAll<Subscription>('/webhooks'), []);
  const [editing, setEditing] = useState<Subscription | 'new' | null>(null);
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);
  const [deleting, setDeleting] = useState<Subscription | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function act(fn: () => Promise<unknown>, done: string) {
    setError(null);
    try {
      await fn();
      toast(done);
      list.reload({ quiet: true });
    } catch (err) {
      setError(err);
    }
  }
  const path = (s: Subscription) => `/webhooks/${encodeURIComponent(s.id)}`;

  /** Sends a test event, then says how the endpoint answered its first attempt (it used to say only "sent"). */
  async function test(s: Subscription) {
    setError(null);
    try {
      const sent = await api.post<{ id: string }>(`${path(s)}/test`);
      for (let i = 0; i < 40; i++) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        const d = await api.get<{ status: string; attemptCount: number; lastStatusCode: number | null; lastError: string | null }>(
          `${path(s)}/deliveries/${encodeURIComponent(sent.id)}`);
        if (d.attemptCount === 0) continue;
        // the error without its code ("HTTP_404: the endpoint answered 404" reads as "the endpoint answered 404")
        const why = d.lastError?.replace(/^[A-Z0-9_]+: /, '') ?? `it answered HTTP ${d.lastStatusCode}`;
        if (d.status === 'succeeded') toast(`Test event delivered to ${s.url}: it answered ${d.lastStatusCode}`);
        else toast(`Test event not delivered to ${s.url}: ${why}${d.status === 'pending' ? ' (it will be retried)' : ''}`, 'danger');
        list.reload({ quiet: true });
        return;
      }
      toast(`${s.url} has not answered the test event yet: see its deliveries`, 'info');
    } catch (err) {
      setError(err);
    }
  }

  return (
    <>
      <PageHeader title="Webhooks" description="Send every event (a booking created, a status changed, a waiting-list offer…) to your own systems, signed and retried."
        actions={<Button variant="primary" icon="plus" onClick={() => setEditing('new')}>New webhook</Button>} />
      <ErrorBanner error={error} />
      {list.loading && !list.data ? <Loading label="Loading webhooks…" /> : null}
      {list.error ? <ErrorBanner error={list.error} title="Webhooks could not be loaded" onRetry={() => list.reload()} /> : null}
      {list.data && list.data.length === 0 ? (
        <Empty icon="webhook" title="No webhooks yet" action={<Button variant="primary" icon="plus" onClick={() => setEditing('new')}>Add an endpoint</Button>}>
          A webhook sends events to a URL of yours as they happen, so other systems stay in step with your bookings.
        </Empty>
      ) : null}
      <ul className="wf-list" aria-label="Webhooks">
        {(list.data ?? []).map((s) => (
          <li key={s.id} className={`card wh-row ${s.enabled ? '' : 'is-off'}`}>
            <div className="wf-main">
              <div className="wf-name-line">
                <a className="wf-name mono-ish" href={href('webhooks', s.id)}>{s.url}</a>
                {s.disabledReason ? <Badge tone="danger">{s.disabledReason === 'gone' ? 'Disabled: endpoint gone (410)' : 'Disabled: kept failing'}</Badge> : null}
                {!s.disabledReason && s.failingSince ? <Badge tone="warning" title={formatDateTime(s.failingSince, tenant.settings.timezone)}>Failing since {timeAgo(s.failingSince)}</Badge> : null}
              </div>
              {s.description ? <p className="muted">{s.description}</p> : null}
              <p className="wf-when">{eventsInWords(s.eventTypes)}</p>
            </div>
            <div className="wf-toggle">
              <Switch checked={s.enabled} label={`${s.url} enabled`} hideLabel
                onChange={(on) => act(() => api.patch(path(s), { enabled: on }), `Webhook ${on ? 'enabled' : 'disabled'}`)} />
              <span className="small muted" aria-hidden="true">{s.enabled ? 'On' : 'Off'}</span>
            </div>
            <div className="wf-tools">
              <LinkButton href={href('webhooks', s.id)} size="sm" icon="runs" aria-label={`Deliveries to ${s.url}`}>Deliveries</LinkButton>
              <Button size="sm" icon="play" disabled={!s.enabled} onClick={() => test(s)} aria-label={`Send a test event to ${s.url}`}>Test</Button>
              <Button size="sm" icon="edit" onClick={() => setEditing(s)} aria-label={`Change ${s.url}`}>Edit</Button>
              <Button size="sm" variant="ghost" icon="refresh" aria-label={`New signing secret for ${s.url}`}
                onClick={async () => {
                  try {
                    const r = await api.post<{ secret: string }>(`${path(s)}/rotate-secret`);
                    setSecret({ url: s.url, secret: r.secret });
                  } catch (err) {
                    setError(err);
                  }
                }}>New secret</Button>
              <Button size="sm" variant="ghost" icon="trash" className="danger-text" onClick={() => setDeleting(s)} aria-label={`Delete ${s.url}`}>Delete</Button>
            </div>
          </li>
        ))}
      </ul>
      {editing ? (
        <WebhookForm subscription={editing === 'new' ? null : editing} onClose={() => setEditing(null)}
          onSaved={(s) => {
            setEditing(null);
            toast(editing === 'new' ? 'Webhook created' : 'Webhook saved');
            if (s.secret) setSecret({ url: s.url, secret: s.secret });
            list.reload({ quiet: true });
          }} />
      ) : null}
      <Dialog open={Boolean(secret)} title="Copy the signing secret" onClose={() => setSecret(null)} footer={<Button variant="primary" onClick={() => setSecret(null)}>I have copied it</Button>}>
        <Notice tone="warning">Shown once. {secret?.url} uses it to verify that requests come from Bookflow (webhook-signature header).</Notice>
        <div className="secret">
          <code className="secret-value" tabIndex={0}>{secret?.secret}</code>
          {secret ? <CopyButton text={secret.secret} label="Copy the signing secret" /> : null}
        </div>
      </Dialog>
      <Dialog open={Boolean(deleting)} title="Delete this webhook?" onClose={() => setDeleting(null)}
        footer={<><Button onClick={() => setDeleting(null)}>Cancel</Button><Button variant="danger" onClick={() => { const s = deleting!; setDeleting(null); void act(() => api.del(path(s)), 'Webhook deleted'); }}>Delete</Button></>}>
        <p>{deleting?.url} stops receiving events; its delivery log is deleted and pending deliveries are not sent.</p>
      </Dialog>
    </>
  );
}
