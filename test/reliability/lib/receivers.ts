// The real local peers from test/helpers (an SMTP server, a Twilio-compatible endpoint, a Standard Webhooks
// receiver), and one view over everything they received: each arrival as (channel, kind, booking, dedupe key).
// Dedupe keys are what a receiver would de-duplicate on: the email Message-ID, the webhook-id header, and for SMS the
// outbox message id in the StatusCallback URL (the phone user cannot de-duplicate; we can, to explain).
import { SMTPServer } from 'smtp-server';
import { startSmtpServer, type SmtpCapture } from '../../helpers/smtp.js';
import { startTwilioServer, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, TEST_FROM, type TwilioServer } from '../../helpers/twilio.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../helpers/webhook-receiver.js';
import { log } from './log.js';

export type Channel = 'email' | 'sms' | 'webhook' | 'subscription';

export interface Arrival {
  channel: Channel;
  /** What the message says happened: created, cancelled, changed:<notes>. */
  kind: string;
  bookingId: string;
  key: string;
  at: number;
  verified: boolean;
}

export interface Receivers {
  smtp: SmtpCapture;
  twilio: TwilioServer;
  webhooks: WebhookReceiver;
  /** Environment for the Bookflow processes: SMTP_URL and TWILIO_*. */
  env: Record<string, string>;
  arrivals(): Arrival[];
  close(): Promise<void>;
}

/**
 * test/helpers/smtp.ts registers no 'error' listener on its SMTPServer, so a client that dies mid-session (a SIGKILLed
 * worker resets its pooled SMTP connection: ECONNRESET) would crash the driver with an unhandled 'error' event. Until
 * the helper listens itself, an error nobody listens to is logged here instead.
 */
function keepSmtpErrorsFromCrashing(onError: (err: Error) => void): void {
  const proto = SMTPServer.prototype as unknown as { emit(event: string, ...args: unknown[]): boolean; listenerCount(event: string): number; __guarded?: true };
  if (proto.__guarded) return;
  const emit = proto.emit;
  proto.emit = function (this: typeof proto, event: string, ...args: unknown[]) {
    if (event === 'error' && this.listenerCount('error') === 0) {
      onError(args[0] as Error);
      return false;
    }
    return emit.call(this, event, ...args);
  };
  proto.__guarded = true;
}

export async function startReceivers(): Promise<Receivers> {
  let resets = 0;
  keepSmtpErrorsFromCrashing((err) => {
    if (++resets <= 3 || resets % 50 === 0) log(`SMTP receiver: ${err.message} (a sender went away mid-session; ${resets} so far)`);
  });
  const smtp = await startSmtpServer();
  const twilio = await startTwilioServer();
  const webhooks = await startWebhookReceiver();
  // The SMTP helper keeps no arrival time: stamp new messages every 10 ms (they are kept before the 250 is sent).
  const emailAt = new Map<unknown, number>();
  let stamped = 0;
  const stamper = setInterval(() => {
    for (; stamped < smtp.messages.length; stamped++) emailAt.set(smtp.messages[stamped], Date.now());
  }, 10);
  return {
    smtp, twilio, webhooks,
    env: {
      SMTP_URL: smtp.url, TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID, TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN, TWILIO_FROM: TEST_FROM, TWILIO_API_BASE: twilio.url,
    },
    arrivals() {
      const out: Arrival[] = [];
      for (const m of smtp.messages) {
        const [kind, bookingId] = (m.subject ?? '').split(' ');
        out.push({ channel: 'email', kind, bookingId, key: m.messageId ?? '(none)', at: emailAt.get(m) ?? Date.now(), verified: true });
      }
      for (const r of twilio.requests) {
        if (r.method !== 'POST' || !r.authOk) continue;
        const [kind, bookingId] = (r.params.Body ?? '').split(' ');
        out.push({ channel: 'sms', kind, bookingId, key: (r.params.StatusCallback ?? '').split('/').pop() ?? '', at: r.receivedAt.getTime(), verified: true });
      }
      for (const r of webhooks.requests) {
        const key = String(r.headers['webhook-id'] ?? '');
        const at = r.receivedAt.getTime();
        const b = r.body as any;
        if (r.path === '/wf') {
          out.push({ channel: 'webhook', kind: b.kind === 'changed' ? `changed:${b.notes}` : b.kind, bookingId: b.booking, key, at, verified: r.verified });
        } else if (r.path.startsWith('/sub/')) {
          const booking = b.data?.booking ?? {};
          const kind = b.type === 'booking.created' ? 'created' : b.type === 'booking.changed' ? `changed:${b.data.changes?.notes?.to}`
            : b.type === 'booking.status_changed' ? b.data.to : b.type;
          out.push({ channel: 'subscription', kind, bookingId: booking.id, key, at, verified: r.verified });
        }
      }
      return out;
    },
    async close() {
      clearInterval(stamper);
      await Promise.all([smtp.close(), twilio.close(), webhooks.close()]);
    },
  };
}
