// POST /api/settings/test-message: checking the email and SMS set-up from the admin side, against the real SMTP
// server and Twilio-compatible endpoint of the tests.
import { expect } from 'chai';
import type { Client } from '../helpers/client.js';
import { startEngineWorld, type EngineWorld } from '../helpers/engine.js';
import { startTestApp } from '../helpers/app.js';

describe('test messages (is the email and SMS set-up working?)', () => {
  let w: EngineWorld;
  let c: Client;
  before(async () => {
    w = await startEngineWorld({ worker: false });
    c = await w.app.tenant('t-test-msg', { name: 'Padel Club', adminEmail: 'boss@club.example' });
  });
  after(async () => { await w.stop(); });

  it('sends a test email to the admin address, or to the address given', async () => {
    const res = await c.post('/api/settings/test-message', { channel: 'email' });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.include({ channel: 'email', to: 'boss@club.example', sent: true });
    const mail = await w.smtp.waitFor((m) => m.subject === 'Bookflow test email for Padel Club');
    expect(mail.to).to.deep.equal(['boss@club.example']);
    expect(mail.text).to.include('email delivery works');
    const other = await c.post('/api/settings/test-message', { channel: 'email', to: 'ops@club.example' });
    expect(other.body).to.include({ to: 'ops@club.example', sent: true });
  });

  it('sends a test SMS through the twilio SDK', async () => {
    const res = await c.post('/api/settings/test-message', { channel: 'sms', to: '+4791234567' });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.providerId).to.match(/^SM/);
    const sent = w.twilio.requests.find((r) => r.params.To === '+4791234567');
    expect(sent?.params.Body).to.include('SMS delivery works');
  });

  it('refuses a bad recipient at its field, and sends nothing', async () => {
    const before = { mails: w.smtp.messages.length, texts: w.twilio.requests.length };
    const badEmail = await c.post('/api/settings/test-message', { channel: 'email', to: 'not-an-address' });
    expect(badEmail.status).to.equal(400);
    expect(badEmail.body.errors.map((e: { pointer: string }) => e.pointer)).to.include('/to');
    const noNumber = await c.post('/api/settings/test-message', { channel: 'sms' });
    expect(noNumber.status).to.equal(400);
    expect(noNumber.body.errors.map((e: { pointer: string }) => e.pointer)).to.include('/to');
    const badNumber = await c.post('/api/settings/test-message', { channel: 'sms', to: '91234567' });
    expect(badNumber.status).to.equal(400);
    expect(badNumber.body.errors.find((e: { pointer: string }) => e.pointer === '/to').message).to.equal('must be E.164, e.g. +4791234567');
    expect(await w.app.tenant('t-test-msg-2').then((t) => t.post('/api/settings/test-message', { channel: 'email' })).then((r) => [r.status, r.body.errors?.[0]?.pointer]))
      .to.deep.equal([400, '/to']); // no admin email and no `to`
    expect({ mails: w.smtp.messages.length, texts: w.twilio.requests.length }).to.deep.equal(before);
  });

  it('answers 502 with the provider\'s reason when it refuses', async () => {
    w.smtp.failNext(1, 550, 'no such mailbox');
    const mail = await c.post('/api/settings/test-message', { channel: 'email', to: 'gone@club.example' });
    expect(mail.status).to.equal(502);
    expect(mail.body.code).to.equal('DELIVERY_FAILED');
    expect(mail.body.detail).to.include('no such mailbox');
    w.twilio.failNext(1, { status: 400, code: 21211, message: 'The \'To\' number is not a valid phone number.' });
    const sms = await c.post('/api/settings/test-message', { channel: 'sms', to: '+4791234567' });
    expect(sms.status).to.equal(502);
    expect(sms.body.detail).to.include('21211');
  });

  it('answers 409 NOT_CONFIGURED without a provider, and 403 to a key without the admin role', async () => {
    const bare = await startTestApp();
    try {
      const t = await bare.tenant('t-bare', { adminEmail: 'boss@club.example' });
      const res = await t.post('/api/settings/test-message', { channel: 'email' });
      expect(res.status).to.equal(409);
      expect(res.body.code).to.equal('NOT_CONFIGURED');
      expect(res.body.detail).to.include('SMTP_URL');
      const sms = await t.post('/api/settings/test-message', { channel: 'sms', to: '+4791234567' });
      expect(sms.body.detail).to.include('TWILIO_ACCOUNT_SID');
    } finally {
      await bare.stop();
    }
    const appKey = (await c.post('/api/keys', { role: 'app' })).body.secret;
    expect((await w.app.client(appKey).post('/api/settings/test-message', { channel: 'email' })).status).to.equal(403);
  });
});
