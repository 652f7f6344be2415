import http from 'node:http';
import { expect } from 'chai';
import twilio from 'twilio';
import { createSmsSender, rebase } from '../../src/delivery/sms.js';
import { DeliveryError, type SmsSender } from '../../src/delivery/types.js';
import {
  TEST_ACCOUNT_SID,
  TEST_AUTH_TOKEN,
  TEST_FROM,
  startTwilioServer,
  type TwilioServer,
} from '../helpers/twilio.js';

async function sendError(sender: SmsSender, to: string, body = 'Your booking is confirmed.'): Promise<DeliveryError> {
  try {
    await sender.send({ to, body });
  } catch (err) {
    expect(err).to.be.instanceOf(DeliveryError);
    return err as DeliveryError;
  }
  throw new Error('send should have failed');
}

/** An endpoint for status callbacks that checks the signature with the sender, as the app's route would. */
async function startCallbackEndpoint(sender: SmsSender) {
  const seen: Array<{ params: Record<string, string>; valid: boolean }> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      const url = `http://127.0.0.1:${port}${req.url}`;
      const valid = sender.validateCallback(String(req.headers['x-twilio-signature'] ?? ''), url, params);
      seen.push({ params, valid });
      res.writeHead(valid ? 204 : 403).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/sms/status`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('sms (twilio SDK against a local Twilio API)', () => {
  let api: TwilioServer;
  let sender: SmsSender;

  before(async () => {
    api = await startTwilioServer();
    sender = createSmsSender({
      accountSid: TEST_ACCOUNT_SID,
      authToken: TEST_AUTH_TOKEN,
      from: TEST_FROM,
      apiBase: api.url,
    });
  });
  after(async () => {
    await api.close();
  });

  it('sends through the SDK with the right parameters and credentials', async () => {
    const result = await sender.send({
      to: '+15551230001',
      body: 'Your booking is confirmed.',
      statusCallback: 'https://bookflow.test/sms/status',
    });
    expect(result.providerId).to.match(/^SM[0-9a-f]{32}$/);
    expect(result.status).to.equal('queued');
    const req = api.requests.at(-1);
    expect(req?.authOk).to.equal(true);
    expect(req?.path).to.equal(`/2010-04-01/Accounts/${TEST_ACCOUNT_SID}/Messages.json`);
    expect(req?.params).to.include({
      To: '+15551230001',
      From: TEST_FROM,
      Body: 'Your booking is confirmed.',
      StatusCallback: 'https://bookflow.test/sms/status',
    });
  });

  it('finds a message Twilio took although its answer was lost: same number and text, since the given time', async () => {
    api.loseAnswerNext(1, { taken: true });
    const lost = await sendError(sender, '+15551230020', 'See you at 10:00');
    expect(lost.code).to.equal('TWILIO_UNAVAILABLE'); // no answer: the caller cannot tell whether it went out
    const taken = api.created.at(-1)!;
    expect(taken.params).to.include({ To: '+15551230020', Body: 'See you at 10:00' });
    const since = new Date();
    expect(await sender.findSent({ to: '+15551230020', body: 'See you at 10:00', since })).to.deep.equal({ providerId: taken.sid, status: 'queued' });
    expect(api.requests.at(-1)).to.include({ method: 'GET', authOk: true });
    expect(api.requests.at(-1)!.params).to.include({ To: '+15551230020', From: TEST_FROM });
    // another text, another number, or a message from before `since` (beyond the clock-skew allowance) is not it
    expect(await sender.findSent({ to: '+15551230020', body: 'See you at 11:00', since })).to.equal(null);
    expect(await sender.findSent({ to: '+15551230021', body: 'See you at 10:00', since })).to.equal(null);
    expect(await sender.findSent({ to: '+15551230020', body: 'See you at 10:00', since: new Date(Date.now() + 3_600_000) })).to.equal(null);
    // a message whose creation never reached Twilio is not found either
    api.loseAnswerNext(1, { taken: false });
    await sendError(sender, '+15551230022', 'Lost on the way');
    expect(await sender.findSent({ to: '+15551230022', body: 'Lost on the way', since })).to.equal(null);
  });

  it('a wrong auth token is refused permanently', async () => {
    const wrong = createSmsSender({ accountSid: TEST_ACCOUNT_SID, authToken: 'nope', from: TEST_FROM, apiBase: api.url });
    const err = await sendError(wrong, '+15551230002');
    expect(err.code).to.equal('TWILIO_REJECTED');
    expect(err.detail.status).to.equal(401);
    expect(api.requests.at(-1)?.authOk).to.equal(false);
  });

  it('21211 (invalid To), 21610 (unsubscribed) and 21614 (not mobile) are permanent', async () => {
    for (const code of [21211, 21610, 21614]) {
      api.failNext(1, { status: 400, code, message: `Refused with ${code}.` });
      const err = await sendError(sender, '+15551230009');
      expect(err.code, String(code)).to.equal('TWILIO_REJECTED');
      expect(err.permanent, String(code)).to.equal(true);
      expect(err.detail.providerCode, String(code)).to.equal(code);
      expect(err.message, String(code)).to.contain(`Refused with ${code}.`);
    }
  });

  it('a 500 is transient', async () => {
    api.failNext(1, { status: 500, code: 20500, message: 'Internal Server Error' });
    const err = await sendError(sender, '+15551230003');
    expect(err.code).to.equal('TWILIO_UNAVAILABLE');
    expect(err.permanent).to.equal(false);
  });

  it('a 429 is transient', async () => {
    api.failNext(1, { status: 429, code: 20429, message: 'Too Many Requests' });
    const err = await sendError(sender, '+15551230004');
    expect(err.permanent).to.equal(false);
  });

  it('an unreachable API is transient', async () => {
    const offline = createSmsSender({
      accountSid: TEST_ACCOUNT_SID,
      authToken: TEST_AUTH_TOKEN,
      from: TEST_FROM,
      apiBase: 'http://127.0.0.1:1',
    });
    const err = await sendError(offline, '+15551230005');
    expect(err.code).to.equal('TWILIO_UNAVAILABLE');
    expect(err.permanent).to.equal(false);
  });

  it('validateCallback accepts a signed status callback and rejects a tampered one', async () => {
    const endpoint = await startCallbackEndpoint(sender);
    try {
      const { providerId } = await sender.send({ to: '+15551230006', body: 'Hi', statusCallback: endpoint.url });
      expect(await api.sendStatusCallback(providerId, 'delivered')).to.equal(204);
      expect(endpoint.seen.at(-1)?.params).to.include({ MessageSid: providerId, MessageStatus: 'delivered' });

      // The same signed callback with the status changed on the way.
      const signed = endpoint.seen.at(-1)!.params;
      const tampered = await fetch(endpoint.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilio.getExpectedTwilioSignature(TEST_AUTH_TOKEN, endpoint.url, signed),
        },
        body: new URLSearchParams({ ...signed, MessageStatus: 'failed' }).toString(),
      });
      expect(tampered.status).to.equal(403);
    } finally {
      await endpoint.close();
    }
  });

  it('validateCallback rejects changed parameters under a valid signature', async () => {
    const url = 'https://bookflow.test/sms/status?tenant=demo';
    const params = { MessageSid: 'SM00000000000000000000000000000000', MessageStatus: 'delivered' };
    const signature = twilio.getExpectedTwilioSignature(TEST_AUTH_TOKEN, url, params);
    expect(sender.validateCallback(signature, url, params)).to.equal(true);
    expect(sender.validateCallback(signature, url, { ...params, MessageStatus: 'failed' })).to.equal(false);
    expect(sender.validateCallback(signature, url.replace('demo', 'other'), params)).to.equal(false);
  });

  it('without settings it is not configured, refuses to send and trusts no callback', async () => {
    const unconfigured = createSmsSender(null);
    expect(unconfigured.configured).to.equal(false);
    expect((await sendError(unconfigured, '+15551230007')).code).to.equal('TWILIO_NOT_CONFIGURED');
    expect(unconfigured.validateCallback('sig', 'https://bookflow.test/', {})).to.equal(false);
  });

  it('rebase moves every *.twilio.com URL onto the base and leaves others alone', () => {
    const base = new URL('http://127.0.0.1:9000/twilio/');
    expect(rebase('https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json?x=1', base)).to.equal(
      'http://127.0.0.1:9000/twilio/2010-04-01/Accounts/AC1/Messages.json?x=1',
    );
    expect(rebase('https://messaging.twilio.com/v1/Services', base)).to.equal(
      'http://127.0.0.1:9000/twilio/v1/Services',
    );
    expect(rebase('https://example.com/x', base)).to.equal('https://example.com/x');
  });
});
