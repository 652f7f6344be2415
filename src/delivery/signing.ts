// Standard Webhooks signing (https://www.standardwebhooks.com): receivers verify with any Standard Webhooks library.
// The signature covers `${id}.${timestamp}.${payload}`, so the payload signed MUST be the exact bytes sent: sign the
// serialized string and send that same string, never re-serialize.
//
// The HMAC is computed with node:crypto rather than the `standardwebhooks` library's sign(): the library hashes in
// pure JavaScript (fast-sha256), about 12 us per signature against 3 us native, a few percent of a delivery's CPU.
// The format is the library's to the byte (a test compares the two); receivers, the tests' included, verify with it.
import crypto from 'node:crypto';

export type SignatureHeaders = Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string>;

const SECRET_PREFIX = 'whsec_';
/** Bytes of randomness in a new secret; the spec asks for 24 to 64. */
const SECRET_BYTES = 32;

/** A new endpoint secret in the spec's format: `whsec_` + base64 of random bytes. */
export function generateSecret(): string {
  return `${SECRET_PREFIX}${crypto.randomBytes(SECRET_BYTES).toString('base64')}`;
}

/**
 * The three headers of a signed delivery. With several secrets (during a rotation, old and new) the signature header
 * carries one `v1,<sig>` per secret, space-separated, and a receiver holding either secret accepts it.
 * `id` must stay the same across retries of one message: receivers de-duplicate on it.
 */
export function signatureHeaders(opts: {
  id: string;
  timestamp: Date;
  payload: string;
  secrets: string[];
}): SignatureHeaders {
  if (opts.secrets.length === 0) throw new Error('signatureHeaders needs at least one secret');
  const timestamp = String(Math.floor(opts.timestamp.getTime() / 1000));
  const signed = `${opts.id}.${timestamp}.${opts.payload}`;
  const signatures = opts.secrets.map((secret) => `v1,${crypto.createHmac('sha256', secretKey(secret)).update(signed, 'utf8').digest('base64')}`);
  return { 'webhook-id': opts.id, 'webhook-timestamp': timestamp, 'webhook-signature': signatures.join(' ') };
}

/** The key bytes of a secret: the base64 after the `whsec_` prefix, as the spec defines it. */
function secretKey(secret: string): Buffer {
  const key = Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
  if (key.length === 0) throw new Error('a webhook secret must not be empty');
  return key;
}
