// One attempt of one delivery: the stored body, signed afresh (the current timestamp; verifiers reject ones older than
// 5 minutes), sent once. What the endpoint answered, or why it could not answer, is the result: an endpoint's failure
// never throws.
import { signatureHeaders } from '../delivery/signing.js';
import { DeliveryError, type HttpSender } from '../delivery/types.js';
import type { ClaimedDelivery } from './claim.js';
import { signingSecrets } from './subscriptions.js';

/** Whole-attempt deadline: connect, send, and the answer. */
export const ATTEMPT_TIMEOUT_MS = 15_000;
/** How much of a response body the delivery log keeps. */
const LOGGED_BODY_CHARS = 2048;

export interface Attempt {
  startedAt: Date;
  ok: boolean;
  statusCode: number | null;
  durationMs: number;
  responseBody: string | null;
  errorCode: string | null;
  error: string | null;
  /** Retrying cannot help (a refused address, an invalid URL). */
  final: boolean;
}

/** Postgres text cannot hold NUL; an endpoint's answer may. */
const storable = (s: string): string => s.replace(/\0/g, '\uFFFD');

/** Sends the delivery once. Throws only what is not the endpoint's failure (a bug): graphile-worker retries the job. */
export async function attemptOnce(http: HttpSender, d: Pick<ClaimedDelivery, 'id' | 'payload' | 'url' | 'secret' | 'previous_secrets'>): Promise<Attempt> {
  const startedAt = new Date();
  const t0 = performance.now();
  try {
    // The webhook-id is the delivery id: the same on every retry and replay, so receivers can de-duplicate.
    const signed = signatureHeaders({ id: d.id, timestamp: new Date(), payload: d.payload, secrets: signingSecrets(d, Date.now()) });
    const res = await http.send({
      url: d.url, method: 'POST', headers: { 'content-type': 'application/json', ...signed }, body: d.payload, timeoutMs: ATTEMPT_TIMEOUT_MS,
    });
    const ok = res.status >= 200 && res.status < 300;
    const redirected = res.status >= 300 && res.status < 400;
    return {
      startedAt, ok, statusCode: res.status, durationMs: res.durationMs, responseBody: storable(res.body.slice(0, LOGGED_BODY_CHARS)),
      errorCode: ok ? null : `HTTP_${res.status}`,
      error: ok ? null : redirected ? `the endpoint redirected (${res.status}); redirects are not followed` : `the endpoint answered ${res.status}`,
      final: false,
    };
  } catch (err) {
    if (!(err instanceof DeliveryError)) throw err;
    return {
      startedAt, ok: false, statusCode: err.detail.status ?? null, durationMs: Math.round(performance.now() - t0), responseBody: null,
      errorCode: err.code, error: storable(err.message), final: err.permanent,
    };
  }
}
