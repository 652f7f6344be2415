// SMS through the twilio SDK. TWILIO_API_BASE points the SDK at any endpoint that speaks Twilio's REST API (the
// tests' local server, a regional proxy); the SDK has no base-URL option, so its HTTP client rewrites the host.
//
// Danger: Twilio's Messages API has no idempotency key. A send that timed out after Twilio accepted it would be sent
// again by the retry. So before sending a message an earlier attempt may have sent, the outbox asks (findSent) for a
// message with the same text to the same number from our sender since the message was stored, and records that one
// instead. A second, identical text to the same person in that window would be taken for it: one text fewer, where
// the alternative is a duplicate.
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import { DeliveryError, type SmsMessage, type SmsSender } from './types.js';

export interface SmsOptions {
  accountSid: string;
  authToken: string;
  /** Sender phone number (E.164) or alphanumeric sender id. */
  from: string;
  /** Replaces https://api.twilio.com (and every other *.twilio.com host); null = the real Twilio. */
  apiBase: string | null;
}

/** Twilio's default is 30 s; a send should not hold a worker slot that long, the job retries anyway. */
const REQUEST_TIMEOUT_MS = 15_000;
/** How many of the recipient's latest messages findSent looks through. */
const FIND_SENT_LIMIT = 50;
/** Twilio's clock and the database's may disagree by this much (and Twilio's dates have whole seconds). */
const CLOCK_SKEW_MS = 5 * 60_000;

export function createSmsSender(opts: SmsOptions | null): SmsSender {
  if (opts === null) return unconfiguredSender;
  const httpClient =
    opts.apiBase === null
      ? new twilio.RequestClient({ timeout: REQUEST_TIMEOUT_MS })
      : new RebasedRequestClient(opts.apiBase);
  const client = twilio(opts.accountSid, opts.authToken, { httpClient });

  return {
    configured: true,
    async send(msg: SmsMessage) {
      try {
        const sent = await client.messages.create({
          to: msg.to,
          from: opts.from,
          body: msg.body,
          ...(msg.statusCallback === undefined ? {} : { statusCallback: msg.statusCallback }),
        });
        return { providerId: sent.sid, status: sent.status };
      } catch (err) {
        throw classifyTwilioError(err, msg.to);
      }
    },
    async findSent(msg) {
      try {
        const latest = await client.messages.list({ to: msg.to, from: opts.from, limit: FIND_SENT_LIMIT });
        const since = msg.since.getTime() - CLOCK_SKEW_MS;
        const found = latest.find((m) => m.body === msg.body && m.direction === 'outbound-api' && m.dateCreated.getTime() >= since);
        return found ? { providerId: found.sid, status: found.status } : null;
      } catch (err) {
        throw classifyTwilioError(err, msg.to);
      }
    },
    validateCallback(signature: string, url: string, params: Record<string, string>) {
      return twilio.validateRequest(opts.authToken, signature, url, params);
    },
  };
}

const unconfiguredSender: SmsSender = {
  configured: false,
  async send() {
    throw new DeliveryError(
      'TWILIO_NOT_CONFIGURED',
      'Twilio is not configured, so SMS cannot be sent: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM.',
      true,
    );
  },
  async findSent() {
    return null; // nothing was ever sent
  },
  // Without a token nothing can be verified; refusing is the only safe answer.
  validateCallback: () => false,
};

/**
 * The SDK's own RequestClient (auth, form encoding, JSON parsing stay exactly as the SDK expects), with every
 * *.twilio.com URL moved onto apiBase. A subclass because the SDK takes an instance of this class.
 */
class RebasedRequestClient extends twilio.RequestClient {
  readonly #base: URL;

  constructor(apiBase: string) {
    super({ timeout: REQUEST_TIMEOUT_MS });
    this.#base = new URL(apiBase);
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    return super.request<TData>({ ...opts, uri: rebase(opts.uri, this.#base) });
  }
}

/** `https://api.twilio.com/2010-04-01/...` -> `${base}/2010-04-01/...`, keeping a path prefix the base may have. */
export function rebase(uri: string, base: URL): string {
  const u = new URL(uri);
  if (u.hostname !== 'twilio.com' && !u.hostname.endsWith('.twilio.com')) return uri;
  const target = new URL(base.toString());
  target.pathname = base.pathname.replace(/\/$/, '') + u.pathname;
  target.search = u.search;
  return target.toString();
}

interface TwilioFailure {
  status?: number;
  code?: number;
  message?: string;
  moreInfo?: string;
}

/** Maps an SDK failure onto the DeliveryError contract. */
export function classifyTwilioError(err: unknown, to: string): DeliveryError {
  if (!(err instanceof twilio.RestException)) {
    // No answer from the API (refused, reset, timed out): the message was probably not sent, try again.
    const message = err instanceof Error ? err.message : String(err);
    return new DeliveryError('TWILIO_UNAVAILABLE', `Could not reach the Twilio API: ${message}`, false);
  }
  const e = err as TwilioFailure;
  const status = e.status ?? 0;
  const detail = { status, ...(e.code === undefined ? {} : { providerCode: e.code }) };
  const what = `${e.message ?? 'no message'} (code ${e.code ?? 'none'}${e.moreInfo ? `, ${e.moreInfo}` : ''})`;
  // 429 (rate limit) and 5xx say "later"; every other 4xx is about this request: 21211 invalid To, 21610 the
  // recipient replied STOP, 21614 not a mobile number, 20003 wrong credentials. Sending it again cannot help.
  if (status === 429 || status >= 500) {
    return new DeliveryError('TWILIO_UNAVAILABLE', `Twilio could not take the SMS to ${to} now: ${what}`, false, detail);
  }
  return new DeliveryError('TWILIO_REJECTED', `Twilio refused the SMS to ${to}: ${what}`, true, detail);
}
