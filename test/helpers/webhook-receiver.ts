// A real webhook receiver for tests: an HTTP server on 127.0.0.1 that verifies every request with the
// `standardwebhooks` library (what a customer's receiver would use) and answers as the test tells it to.
import http from 'node:http';
import { waitForItem } from './wait.js';
import { Webhook } from 'standardwebhooks';

export interface ReceivedWebhook {
  method: string;
  /** Path and query. */
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The body parsed as JSON, or null when it is not JSON. */
  body: unknown;
  rawBody: string;
  /** At least one configured secret verified the signature (and the timestamp is within 5 minutes). */
  verified: boolean;
  /** Indexes (into the secrets list at the time) of the secrets that verified. */
  verifiedWith: number[];
  receivedAt: Date;
}

export interface WebhookReceiver {
  readonly url: string;
  readonly requests: ReceivedWebhook[];
  /** Resolves with the first request (already received or arriving later) that matches. */
  waitFor(predicate: (r: ReceivedWebhook) => boolean, timeoutMs?: number): Promise<ReceivedWebhook>;
  setSecrets(secrets: string[]): void;
  /** Answer `status` (and `body`, JSON-encoded unless a string): the next `opts.times` requests, or from now on. */
  respondWith(status: number, body?: unknown, opts?: { times?: number }): void;
  /** Wait `ms` before answering every request from now on. */
  slow(ms: number): void;
  /** Answer 302 to `url` from now on. */
  redirectTo(url: string): void;
  /** Answer 410 Gone from now on (the receiver asks to be unsubscribed). */
  gone(): void;
  /** The most requests this receiver had open at once (received, not yet answered) since it started or was reset. */
  readonly peakInFlight: number;
  /** Requests received and not yet answered, now. */
  readonly inFlight: number;
  /** Forget requests and go back to answering 200 at once. Secrets are kept. */
  reset(): void;
  close(): Promise<void>;
}

interface Answer {
  status: number;
  body: string;
  headers: Record<string, string>;
}

const OK: Answer = { status: 200, body: '{"ok":true}', headers: { 'content-type': 'application/json' } };

function verify(secrets: string[], rawBody: string, headers: http.IncomingHttpHeaders): number[] {
  const flat: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (typeof v === 'string') flat[k] = v;
  return secrets.flatMap((secret, i) => {
    try {
      new Webhook(secret).verify(rawBody, flat, { jsonParse: false });
      return [i];
    } catch {
      return [];
    }
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export async function startWebhookReceiver(opts: { secrets?: string[] } = {}): Promise<WebhookReceiver> {
  let secrets = opts.secrets ?? [];
  const requests: ReceivedWebhook[] = [];
  const waiters = new Set<() => void>();
  const timers = new Set<NodeJS.Timeout>();
  let queued: Answer[] = [];
  let standing: Answer = OK;
  let delayMs = 0;
  let inFlight = 0;
  let peakInFlight = 0;

  const server = http.createServer((req, res) => {
    peakInFlight = Math.max(peakInFlight, ++inFlight);
    res.once('close', () => { inFlight--; });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const verifiedWith = verify(secrets, rawBody, req.headers);
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '/',
        headers: req.headers,
        body: parseJson(rawBody),
        rawBody,
        verified: verifiedWith.length > 0,
        verifiedWith,
        receivedAt: new Date(),
      });
      for (const wake of waiters) wake();

      const answer = queued.shift() ?? standing;
      const reply = (): void => {
        // The sender may have given up (timeout) and closed the socket; nothing to answer then.
        if (!res.destroyed) res.writeHead(answer.status, answer.headers).end(answer.body);
      };
      if (delayMs === 0) return reply();
      const timer = setTimeout(() => {
        timers.delete(timer);
        reply();
      }, delayMs);
      timers.add(timer);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('Webhook receiver has no TCP address');

  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    get peakInFlight() { return peakInFlight; },
    get inFlight() { return inFlight; },
    waitFor(predicate, timeoutMs = 10_000) {
      return waitForItem(requests, waiters, predicate, timeoutMs, 'webhook');
    },
    setSecrets(next) {
      secrets = [...next];
    },
    respondWith(status, body, respondOpts = {}) {
      const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
      const answer: Answer = { status, body: text, headers: { 'content-type': 'application/json' } };
      if (respondOpts.times === undefined) standing = answer;
      else queued.push(...Array.from({ length: respondOpts.times }, () => answer));
    },
    slow(ms) {
      delayMs = ms;
    },
    redirectTo(url) {
      standing = { status: 302, body: '', headers: { location: url } };
    },
    gone() {
      standing = { status: 410, body: '', headers: {} };
    },
    reset() {
      requests.length = 0;
      queued = [];
      standing = OK;
      delayMs = 0;
      peakInFlight = inFlight;
    },
    close() {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
