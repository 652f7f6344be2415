// Standard Webhooks signing (https://www.standardwebhooks.com): receivers verify with any Standard Webhooks library.
// The signature covers `${id}.${timestamp}.${payload}`, so the payload signed MUST be the exact bytes sent: sign the
// serialized string and send that same string, never re-serialize.
import crypto from 'node:crypto';
import { Webhook } from 'standardwebhooks';

export type SignatureHeaders = Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string>;

/** Bytes of randomness in a new secret; the spec asks for 24 to 64. */
const SECRET_BYTES = 32;

/** A new endpoint secret in the spec's format: `whsec_` + base64 of random bytes. */
export function generateSecret(): string {
  return `whsec_${crypto.randomBytes(SECRET_BYTES).toString('base64')}`;
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
  const signatures = opts.secrets.map((secret) => new Webhook(secret).sign(opts.id, opts.timestamp, opts.payload));
  return {
    'webhook-id': opts.id,
    'webhook-timestamp': String(Math.floor(opts.timestamp.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}
