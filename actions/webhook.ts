import { signatureHeaders } from '../src/delivery/signing.js';
import { DeliveryError } from '../src/delivery/types.js';
import { defineAction, PermanentActionError, type JSONSchema } from '../src/engine/contracts.js';
import { deliverOnce } from '../src/engine/deliver.js';

interface Config {
  url: string;
  method?: 'POST' | 'PUT' | 'PATCH';
  headers?: Record<string, string>;
  /** A JSON value whose leaf strings are templates; omitted: the default event payload. */
  body?: unknown;
}

const RESERVED_HEADERS = /^(content-type|content-length|host|webhook-id|webhook-timestamp|webhook-signature|transfer-encoding|connection)$/i;

/** Every leaf string of a JSON value, with its JSON pointer. */
function leaves(value: unknown, pointer: string, out: { pointer: string; source: string }[]): void {
  if (typeof value === 'string') out.push({ pointer, source: value });
  else if (Array.isArray(value)) value.forEach((v, i) => leaves(v, `${pointer}/${i}`, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) leaves(v, `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, out);
  }
}

/**
 * Renders each leaf string and rebuilds the value. The body is built as an object and serialized afterwards, so a
 * customer name with quotes or braces can never add keys or break the JSON.
 */
function renderJson(value: unknown, render: (s: string) => string): unknown {
  if (typeof value === 'string') return render(value);
  if (Array.isArray(value)) return value.map((v) => renderJson(v, render));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderJson(v, render)]));
  return value;
}

const TRANSIENT_STATUS = (s: number) => s === 408 || s === 425 || s === 429 || s >= 500;

export const webhook = defineAction<Config>({
  type: 'webhook',
  title: 'Call a webhook',
  description: 'Sends an HTTP request signed per the Standard Webhooks spec (webhook-id, webhook-timestamp, webhook-signature). '
    + 'The body is a JSON template whose strings may use variables, or the default event payload. Redirects are not followed.',
  configSchema: {
    type: 'object',
    properties: {
      // No `format: 'uri'`: the URL is a template ({{booking.id}} is not valid in a URI); the rendered URL is checked
      // when the request is made (URL_INVALID, not retried).
      url: { type: 'string', pattern: '^[Hh][Tt][Tt][Pp][Ss]?://', maxLength: 2000, title: 'URL', 'x-templated': true },
      method: { type: 'string', enum: ['POST', 'PUT', 'PATCH'], default: 'POST', title: 'Method' },
      headers: {
        type: 'object', title: 'Headers', default: {},
        propertyNames: { pattern: '^[A-Za-z0-9-]{1,64}$' },
        additionalProperties: { type: 'string', maxLength: 2000, 'x-templated': true },
      },
      body: { title: 'JSON body template (empty: the event payload)', 'x-widget': 'json' } as JSONSchema,
    },
    required: ['url'],
    additionalProperties: false,
  },
  templatedFields: [],
  maxAttempts: 8,
  channel: 'webhook',
  secrets: ['signing'],
  templates: (c) => {
    const out = [{ pointer: '/url', source: c.url }];
    for (const [k, v] of Object.entries(c.headers ?? {})) out.push({ pointer: `/headers/${k}`, source: v });
    if (c.body !== undefined) leaves(c.body, '/body', out);
    return out;
  },
  validate: (c) => Object.keys(c.headers ?? {}).filter((h) => RESERVED_HEADERS.test(h))
    .map((h) => ({ pointer: `/headers/${h}`, message: `${h} is set by Bookflow and cannot be overridden` })),
  async run(input, deps) {
    // A run keeps the steps it started with; the workflow keeps secrets for the steps it has now. A step replaced since
    // (its actions saved without their ids, as from an exported file) took its secret with it, and the receiver was
    // given the new step's: this run cannot sign, and no retry changes that.
    if (!input.secrets.signing) {
      throw new PermanentActionError('SECRET_GONE', 'this webhook step was replaced in the workflow since the run started, and its signing secret with it; the workflow\'s new runs sign with the new secret');
    }
    const url = input.renderString(input.config.url);
    // A header value rendered from customer data could carry line breaks: they become spaces, so data can never
    // end a header and start another one, and the request still goes out.
    const headers = Object.fromEntries(Object.entries(input.config.headers ?? {})
      .map(([k, v]) => [k, input.renderString(v).replace(/[\r\n\0]+/g, ' ')]));
    const { context } = input;
    const body = input.config.body !== undefined
      ? renderJson(input.config.body, (s) => input.renderString(s))
      : {
        type: context.event.type,
        timestamp: new Date().toISOString(),
        data: { ...context.event.data, booking: context.booking, customer: context.customer, resource: context.resource, location: context.location, service: context.service },
      };
    const payload = JSON.stringify(body);
    const method = input.config.method ?? 'POST';
    return deliverOnce(input, {
      key: input.idempotencyKey, channel: 'webhook', recipient: url, body: payload, payload: { method, headers },
      configured: true,
      output: { url, method, headers, body },
      send: async (msg) => {
        // The webhook-id is the outbox message id: stable across retries. Each attempt is signed afresh with the
        // current timestamp, since verifiers reject timestamps older than 5 minutes.
        const signed = signatureHeaders({ id: msg.id, timestamp: new Date(), payload, secrets: [input.secrets.signing] });
        const res = await deps.http.send({ url, method, headers: { ...headers, 'content-type': 'application/json', ...signed }, body: payload });
        if (res.status < 200 || res.status >= 300) {
          const what = res.status >= 300 && res.status < 400 ? 'redirected (redirects are not followed)' : `answered ${res.status}`;
          throw new DeliveryError(`HTTP_${res.status}`, `the endpoint ${what}`, !TRANSIENT_STATUS(res.status), { status: res.status, responseBody: res.body });
        }
        return { providerId: null, response: { status: res.status, body: res.body, durationMs: res.durationMs }, output: { httpStatus: res.status } };
      },
    });
  },
  sampleConfig: { url: 'https://example.com/hooks/bookflow', body: { booking: '{{booking.id}}', customer: '{{customer.name}}' } },
  describe: (c) => `Call ${c.method ?? 'POST'} ${c.url}`,
});
