// A Bookflow with its worker, wired to real local peers: an SMTP server, a Twilio-compatible endpoint (driven
// through the real twilio SDK) and a webhook receiver that verifies signatures with `standardwebhooks`.
import { rows } from '../../src/db/sql.js';
import { startTestApp, type TestApp } from './app.js';
import { startSmtpServer, type SmtpCapture } from './smtp.js';
import { startTwilioServer, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, TEST_FROM, type TwilioServer } from './twilio.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

export interface EngineWorld {
  app: TestApp;
  smtp: SmtpCapture;
  twilio: TwilioServer;
  hooks: WebhookReceiver;
  stop(): Promise<void>;
}

export async function startEngineWorld(opts: { env?: Record<string, string>; worker?: boolean } = {}): Promise<EngineWorld> {
  const smtp = await startSmtpServer();
  const twilio = await startTwilioServer();
  const hooks = await startWebhookReceiver();
  const app = await startTestApp({
    worker: opts.worker ?? true,
    env: {
      SMTP_URL: smtp.url, MAIL_FROM: 'Club <club@example.com>',
      TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID, TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN, TWILIO_FROM: TEST_FROM, TWILIO_API_BASE: twilio.url,
      BOOKFLOW_WEBHOOK_ALLOW_PRIVATE: 'true',
      ...opts.env,
    },
  });
  return {
    app, smtp, twilio, hooks,
    async stop() {
      await app.stop();
      await Promise.all([smtp.close(), twilio.close(), hooks.close()]);
    },
  };
}

/** Polls `fn` until it returns a truthy value (or throws after `timeoutMs`). */
export async function eventually<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 15000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until no job is queued or running (scheduled future jobs excepted). */
export async function settled(app: TestApp, timeoutMs = 20000): Promise<void> {
  await eventually(async () => {
    const [r] = await rows<{ n: number }>(app.ds, `
      SELECT count(*)::int AS n FROM graphile_worker._private_jobs
      WHERE run_at <= now() AND attempts < max_attempts`);
    return r.n === 0;
  }, timeoutMs, 'the job queue to drain');
}

/** Makes scheduled jobs (retries, reminders) due now, as if their time had come. */
export async function runDueNow(app: TestApp, where = 'true'): Promise<number> {
  const r = await rows<{ id: string }>(app.ds, `
    UPDATE graphile_worker._private_jobs SET run_at = now() WHERE locked_at IS NULL AND attempts < max_attempts AND ${where} RETURNING id`);
  return r.length;
}

/** Makes the step retries waiting for their backoff due now. */
export const retryStepsNow = (app: TestApp): Promise<number> =>
  runDueNow(app, "task_id IN (SELECT id FROM graphile_worker._private_tasks WHERE identifier IN ('run_step', 'run_webhook_step'))");
