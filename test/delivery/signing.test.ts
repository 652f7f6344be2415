import { expect } from 'chai';
import { Webhook } from 'standardwebhooks';
import { createHttpSender } from '../../src/delivery/http.js';
import { generateSecret, signatureHeaders } from '../../src/delivery/signing.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

describe('webhook signing (Standard Webhooks)', () => {
  let receiver: WebhookReceiver;
  const sender = createHttpSender({ allowPrivate: true });

  before(async () => {
    receiver = await startWebhookReceiver();
  });
  beforeEach(() => receiver.reset());
  after(async () => {
    await receiver.close();
  });

  /** Signs `payload` with `secrets` and delivers it to the receiver; returns what the receiver recorded. */
  async function deliver(payload: string, secrets: string[], opts: { tamper?: boolean } = {}) {
    const id = `msg_${Math.random().toString(36).slice(2)}`;
    const headers = signatureHeaders({ id, timestamp: new Date(), payload, secrets });
    const body = opts.tamper ? payload.replace('confirmed', 'cancelled') : payload;
    await sender.send({
      url: receiver.url,
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
    return receiver.waitFor((r) => r.headers['webhook-id'] === id);
  }

  it('generates secrets in the whsec_ format with 32 random bytes', () => {
    const a = generateSecret();
    expect(a).to.match(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(a.slice('whsec_'.length), 'base64')).to.have.length(32);
    expect(generateSecret()).not.to.equal(a);
  });

  it('produces the three headers, timestamp in seconds', () => {
    const headers = signatureHeaders({
      id: 'msg_1',
      timestamp: new Date('2025-01-02T03:04:05.678Z'),
      payload: '{}',
      secrets: [generateSecret()],
    });
    expect(headers['webhook-id']).to.equal('msg_1');
    expect(headers['webhook-timestamp']).to.equal('1735787045');
    expect(headers['webhook-signature']).to.match(/^v1,[A-Za-z0-9+/]+=*$/);
  });

  it("signs exactly as the standardwebhooks library's own sign(), non-ASCII payloads included", () => {
    const secret = generateSecret();
    const timestamp = new Date('2026-03-29T00:59:59.999Z');
    for (const payload of ['{}', '{"name":"Zoë Ødegård 🎾","note":"\\"quoted\\" {braces}"}', 'x'.repeat(70_000)]) {
      const headers = signatureHeaders({ id: 'msg_2Xb', timestamp, payload, secrets: [secret] });
      expect(headers['webhook-signature']).to.equal(new Webhook(secret).sign('msg_2Xb', timestamp, payload));
    }
  });

  it('a signed delivery verifies with the standardwebhooks library', async () => {
    const secret = generateSecret();
    receiver.setSecrets([secret]);
    const got = await deliver('{"type":"booking.created","data":{"status":"confirmed"}}', [secret]);
    expect(got.verified).to.equal(true);
    expect(got.verifiedWith).to.deep.equal([0]);
    expect(got.body).to.deep.equal({ type: 'booking.created', data: { status: 'confirmed' } });
  });

  it('a changed body does not verify', async () => {
    const secret = generateSecret();
    receiver.setSecrets([secret]);
    const got = await deliver('{"data":{"status":"confirmed"}}', [secret], { tamper: true });
    expect(got.verified).to.equal(false);
  });

  it('a wrong secret does not verify', async () => {
    receiver.setSecrets([generateSecret()]);
    const got = await deliver('{}', [generateSecret()]);
    expect(got.verified).to.equal(false);
    expect(got.verifiedWith).to.deep.equal([]);
  });

  // Secret rotation: during the overlap both secrets sign, and a receiver holding either one accepts.
  it('two secrets produce two signatures, and each secret verifies alone', async () => {
    const [oldSecret, newSecret, unrelated] = [generateSecret(), generateSecret(), generateSecret()];
    const payload = '{"type":"booking.changed"}';

    receiver.setSecrets([oldSecret]);
    const first = await deliver(payload, [oldSecret, newSecret]);
    expect(String(first.headers['webhook-signature']).split(' ')).to.have.length(2);
    expect(first.verified).to.equal(true);

    receiver.setSecrets([unrelated, newSecret]);
    const second = await deliver(payload, [oldSecret, newSecret]);
    expect(second.verifiedWith).to.deep.equal([1]);

    receiver.setSecrets([unrelated]);
    expect((await deliver(payload, [oldSecret, newSecret])).verified).to.equal(false);
  });

  it('refuses to sign without a secret', () => {
    expect(() => signatureHeaders({ id: 'm', timestamp: new Date(), payload: '{}', secrets: [] })).to.throw(
      /at least one secret/,
    );
  });
});
