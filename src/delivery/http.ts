// Outgoing HTTP for webhooks: one request, never a redirect, a hard deadline, a bounded read of the answer, and the
// SSRF guard from ./ssrf.ts at connect time. Non-2xx answers are returned; only "no answer" is thrown.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Readable } from 'node:stream';
import axios from 'axios';
import { bareHostname, guardedLookup, isBlockedAddress, parseWebhookUrl, ssrfError } from './ssrf.js';
import { DeliveryError, type HttpRequest, type HttpResponse, type HttpSender } from './types.js';

export { checkUrl, refusedOnSave } from './ssrf.js';

/**
 * Requests in flight to one origin (scheme, host, port) at most (32). Steps run in batches, so a burst of events for
 * one workflow could otherwise open hundreds of connections to one customer's endpoint at once.
 */
const PER_ORIGIN_MAX = 32;
/** Pooled connections idle this long are closed (4 s: under the 5 s idle timeout many servers, Node's included, use). */
const IDLE_SOCKET_MS = 4_000;
/** The TCP keep-alive delay axios' http adapter gives each request's socket (lib/adapters/http.js: 1000 * 60). */
const AXIOS_TCP_KEEPALIVE_MS = 60_000;
/**
 * Header values as UTF-8 bytes. HTTP headers are bytes and Node writes a header string as Latin-1, where axios drops
 * every character it cannot write: a customer "Łukasz" arrived as "ukasz" and "山田" as nothing. UTF-8 is what a
 * receiver can decode for every name (in Node: `Buffer.from(value, 'latin1').toString('utf8')`); ASCII is unchanged.
 */
const onTheWire = (headers: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('latin1')]));

/** Whole-request deadline (connect, send, headers and body), unless the request sets timeoutMs. */
const DEFAULT_TIMEOUT_MS = 15_000;
/** We stop reading a response after this many bytes; the status is what matters, the body is for the log. */
const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;
/** How much of the body the result keeps (delivery logs store it). */
const KEPT_BODY_BYTES = 4 * 1024;

export interface HttpSenderOptions {
  /** BOOKFLOW_WEBHOOK_ALLOW_PRIVATE: let webhooks reach loopback/private/link-local addresses. Off in production. */
  allowPrivate: boolean;
  /** Stop reading a response after this many bytes. Default 64 KiB. */
  maxResponseBytes?: number;
}

export function createHttpSender(opts: HttpSenderOptions): HttpSender {
  const maxResponseBytes = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  // Keep-alive: deliveries to an endpoint reuse its connections, which saves a TCP (and for https a TLS) handshake per
  // request on both sides. A pooled socket idle for IDLE_SOCKET_MS is closed; the agent also honours a shorter
  // `Keep-Alive: timeout=` hint from the receiver. The SSRF guard checked a pooled socket's address when it connected.
  const agentOptions = opts.allowPrivate ? {} : { lookup: guardedLookup };
  // At most PER_ORIGIN_MAX requests in flight to one origin; more wait for a free connection (within their deadline).
  // keepAliveMsecs is the TCP keep-alive probe delay axios sets on every request's socket: with the agent's default
  // (1 s) the two would take turns resetting it, two setsockopt calls per request.
  const pooledOptions = { ...agentOptions, keepAlive: true, keepAliveMsecs: AXIOS_TCP_KEEPALIVE_MS, timeout: IDLE_SOCKET_MS, maxSockets: PER_ORIGIN_MAX };
  const pooled = { httpAgent: new http.Agent(pooledOptions), httpsAgent: new https.Agent(pooledOptions) };
  const fresh = {
    httpAgent: new http.Agent({ ...agentOptions, keepAlive: false }),
    httpsAgent: new https.Agent({ ...agentOptions, keepAlive: false }),
  };

  async function send(req: HttpRequest): Promise<HttpResponse> {
    const url = parseWebhookUrl(req.url);
    // IP literals never reach the agent's lookup, so they are checked here.
    const host = bareHostname(url);
    if (!opts.allowPrivate && net.isIP(host) !== 0 && isBlockedAddress(host)) throw ssrfError(host, host);

    // axios would quietly strip CR/LF from a header value; a header the workflow configured wrongly should be
    // reported, not altered.
    for (const [name, value] of Object.entries(req.headers)) {
      if (/[\r\n\0]/.test(name + value)) {
        throw new DeliveryError('HTTP_INVALID_REQUEST', `Header ${JSON.stringify(name)} contains a line break.`, true);
      }
    }

    const timeoutMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    // axios' own `timeout` is a socket idle timeout: a receiver that trickles a byte a second would never trip it.
    // The abort signal is the whole-request deadline.
    const deadline = AbortSignal.timeout(timeoutMs);
    const started = performance.now();
    const attempt = async (agents: typeof pooled) => {
      const res = await client.request<Readable>({
        url: url.toString(),
        method: req.method,
        headers: { 'user-agent': 'Bookflow-Webhooks/1', ...onTheWire(req.headers) },
        data: req.body,
        ...agents,
        proxy: false, // a proxy would connect for us, and the guard would check the proxy's address instead
        maxRedirects: 0,
        validateStatus: () => true,
        responseType: 'stream',
        timeout: timeoutMs,
        signal: deadline,
      });
      // The deadline covers the body too: a trickling answer is cut off, not waited for.
      deadline.addEventListener('abort', () => res.data.destroy(new Error('deadline')), { once: true });
      const body = await readCapped(res.data, maxResponseBytes);
      return { status: res.status, body, durationMs: Math.round(performance.now() - started) };
    };
    try {
      try {
        return await attempt(pooled);
      } catch (err) {
        // The receiver closed a pooled connection just as it was reused: it never read this request (and had it,
        // the webhook-id lets it drop the copy). Sent once more, on a new connection.
        if (deadline.aborted || !closedUnderUs(err)) throw err;
        return await attempt(fresh);
      }
    } catch (err) {
      throw classify({ err, url: url.toString(), timedOut: deadline.aborted, timeoutMs });
    }
  }

  return { send };
}

/**
 * One axios instance for every delivery: the body is sent as given (already serialized and signed) and the answer
 * read as a stream, so axios' JSON transforms are skipped.
 */
const client = axios.create({ transformRequest: [(data: unknown) => data], transformResponse: [(data: unknown) => data] });

/** A request that failed on a reused socket before any answer came: the receiver had closed the connection. */
function closedUnderUs(err: unknown): boolean {
  if (!axios.isAxiosError(err) || err.response) return false;
  const request = err.request as { reusedSocket?: boolean } | undefined;
  return request?.reusedSocket === true && (err.code === 'ECONNRESET' || err.code === 'EPIPE');
}

/** Reads at most `max` bytes, then drops the connection; keeps the first KEPT_BODY_BYTES as text. */
async function readCapped(stream: Readable, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let read = 0;
  for await (const chunk of stream) {
    const buf = chunk as Buffer;
    chunks.push(buf);
    read += buf.length;
    if (read >= max) {
      stream.destroy(); // the rest is never read: a huge or endless answer costs us nothing
      break;
    }
  }
  // Cutting inside a multi-byte character leaves a replacement character at the end, which is fine for a log.
  return Buffer.concat(chunks).subarray(0, KEPT_BODY_BYTES).toString('utf8');
}

/** Finds our own DeliveryError (the SSRF refusal from the lookup) inside whatever axios wrapped it in. */
function findDeliveryError(err: unknown): DeliveryError | null {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof DeliveryError) return e;
  }
  return null;
}

function classify(opts: { err: unknown; url: string; timedOut: boolean; timeoutMs: number }): DeliveryError {
  const { err, url } = opts;
  const own = findDeliveryError(err);
  if (own) return own;
  if (opts.timedOut) {
    return new DeliveryError('HTTP_TIMEOUT', `No complete answer from ${url} within ${opts.timeoutMs} ms.`, false);
  }
  const code = (axios.isAxiosError(err) ? err.code : (err as NodeJS.ErrnoException).code) ?? '';
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : null;
  const reason = (cause as NodeJS.ErrnoException | null)?.code ?? code;
  // Headers with CR/LF or other invalid characters come from the workflow's config: retrying cannot help.
  if (/^ERR_(INVALID|HTTP_INVALID)/.test(reason)) {
    const message = err instanceof Error ? err.message : String(err);
    return new DeliveryError('HTTP_INVALID_REQUEST', `The request to ${url} is invalid: ${message}`, true);
  }
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || reason === 'ETIMEDOUT') {
    return new DeliveryError('HTTP_TIMEOUT', `No answer from ${url} within ${opts.timeoutMs} ms.`, false);
  }
  const message = err instanceof Error ? err.message : String(err);
  return new DeliveryError('HTTP_CONNECTION', `Could not reach ${url}: ${reason || message}.`, false);
}
