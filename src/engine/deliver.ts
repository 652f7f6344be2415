// Sending through the outbox, once: store the message under its idempotency key BEFORE sending, so a retried
// step finds it (and that it was sent) instead of sending again. Shared by every action that sends something.
import { DeliveryError } from '../delivery/types.js';
import { whileDatabaseAway } from '../db/sql.js';
import { PermanentActionError, TransientActionError, type ActionInput, type OutboxMessage, type StepResult } from './contracts.js';

export interface Delivery {
  key: string;
  channel: 'email' | 'sms' | 'webhook';
  recipient: string;
  subject?: string | null;
  body: string;
  html?: string | null;
  payload?: unknown;
  /** False: the transport is not configured; the message is kept in the outbox as `captured`. */
  configured: boolean;
  /** What the run history shows for this step. */
  output: Record<string, unknown>;
  /** Performs the send; throws DeliveryError on failure. */
  send(message: OutboxMessage): Promise<{ providerId: string | null; response?: unknown; output?: Record<string, unknown> }>;
  /**
   * For a transport whose provider can be asked what it took (Twilio lists the messages it was given): the message
   * as the provider has it, or null. Asked before sending a message an earlier attempt may have sent.
   */
  findSent?(message: OutboxMessage): Promise<{ providerId: string; response?: unknown } | null>;
}

export async function deliverOnce(input: ActionInput<unknown>, d: Delivery): Promise<StepResult> {
  const { claimed, message } = await input.outbox.putAndClaim({ key: d.key, channel: d.channel, recipient: d.recipient, subject: d.subject, body: d.body, html: d.html, payload: d.payload });
  const output = { ...d.output, ...(message ? { messageId: message.id } : {}) };
  if (!claimed) {
    if (message && message.status !== 'sending') return { outcome: 'already_sent', output: { ...output, status: message.status } };
    // Another copy of this step is sending it right now: retry later, and find it sent then.
    throw new TransientActionError('SEND_IN_PROGRESS', 'this message is being sent by another attempt; will check again', output);
  }
  const msg = message!;
  if (!d.configured) {
    await input.outbox.markSent(msg.id, { providerId: null, status: 'captured' });
    return { outcome: 'captured', output };
  }
  try {
    // An earlier attempt may have gone out without its outcome being recorded: if the provider has it, record it
    // instead of sending it a second time. A provider that cannot be asked leaves the choice it always had: send
    // again (at least once); the step's output says why.
    const lookup = msg.maybeSentBefore && d.findSent ? await lookUp(d.findSent, msg) : { found: null };
    if (lookup.found) {
      const { found } = lookup;
      await whileDatabaseAway(() => input.outbox.markSent(msg.id, { providerId: found.providerId, status: 'sent', response: found.response }));
      return { outcome: 'sent', output: { ...output, providerId: found.providerId, foundAtProvider: true } };
    }
    const res = await d.send(msg);
    // It went out: recording that must survive a short database outage, or the retry would send it again.
    await whileDatabaseAway(() => input.outbox.markSent(msg.id, { providerId: res.providerId, status: 'sent', response: res.response }));
    return { outcome: 'sent', output: { ...output, ...res.output, providerId: res.providerId, ...(lookup.error ? { providerLookupError: lookup.error } : {}) } };
  } catch (err) {
    if (!(err instanceof DeliveryError)) throw err;
    await input.outbox.markFailed(msg.id, { code: err.code, message: err.message, permanent: err.permanent, response: err.detail });
    const failedOutput = {
      ...output, ...(err.detail.status ? { httpStatus: err.detail.status } : {}), ...(err.detail.providerCode !== undefined ? { providerCode: err.detail.providerCode } : {}),
    };
    if (err.permanent) throw new PermanentActionError(err.code, err.message, failedOutput);
    throw new TransientActionError(err.code, err.message, failedOutput);
  }
}

async function lookUp(findSent: NonNullable<Delivery['findSent']>, msg: OutboxMessage): Promise<{ found: Awaited<ReturnType<typeof findSent>>; error?: string }> {
  try {
    return { found: await findSent(msg) };
  } catch (err) {
    if (!(err instanceof DeliveryError)) throw err;
    return { found: null, error: `${err.code}: ${err.message}` };
  }
}
