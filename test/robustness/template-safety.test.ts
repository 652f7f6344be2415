import { expect } from 'chai';
import type { Client } from '../helpers/client.js';
import { eventually, startEngineWorld, type EngineWorld } from '../helpers/engine.js';
import { booking, inHours, seedCatalog } from '../helpers/fixtures.js';

// Customer-supplied names and notes carrying HTML, Handlebars syntax and header-injection characters never
// execute, never break a message and never add a header, in email, SMS and webhook bodies.
describe('template safety: hostile customer data', () => {
  let w: EngineWorld;
  let c: Client;
  const hostileName = 'Eve\r\nBcc: thief@evil.example\r\nX-Injected: yes {{constructor.constructor}} <img src=x onerror=alert(1)> "q" \'s';
  const hostileNotes = '{{#each tenant}}{{this}}{{/each}} {{> partial}} </p><script>alert(1)</script>\r\nSubject: replaced';

  before(async () => {
    w = await startEngineWorld();
    c = await w.app.tenant('t-safe', { adminEmail: 'admin@club.example' });
    await seedCatalog(c);
    const created = await c.post('/api/customers', { id: 'eve', name: hostileName, email: 'eve@example.com', phone: '+4790000066' });
    expect(created.status).to.equal(201);
    const wf = await c.post('/api/workflows', {
      name: 'All channels',
      trigger: { type: 'booking.created' },
      actions: [
        { type: 'email', config: { to: 'customer', subject: 'Hi {{customer.name}}: {{booking.notes}}', html: '<p>Hi {{customer.name}}</p><p>{{booking.notes}}</p>' } },
        { type: 'email', config: { to: 'admin', subject: 'Booking by {{customer.name}}', html: '<p>{{customer.name}} wrote {{booking.notes}}</p>' } },
        { type: 'sms', config: { to: 'customer', body: 'Hi {{customer.name}} {{booking.notes}}' } },
        { type: 'webhook', config: { url: `${w.hooks.url}/safe`, headers: { 'X-Customer': '{{customer.name}}' }, body: { name: '{{customer.name}}', notes: '{{booking.notes}}', fixed: 'ok' } } },
      ],
    });
    expect(wf.status, JSON.stringify(wf.body)).to.equal(201);
    w.hooks.setSecrets([Object.values(wf.body.secrets as Record<string, { signing: string }>)[0].signing]);
  });
  after(async () => { await w.stop(); });

  it('renders the data literally, escapes it only in HTML, and adds no header or recipient', async () => {
    const b = (await c.post('/api/bookings', booking({ customerId: 'eve', notes: hostileNotes, startTime: inHours(30), endTime: inHours(31) }))).body;
    expect(b.id).to.be.a('string');
    const mine = await w.smtp.waitFor((m) => (m.to ?? []).includes('eve@example.com'));
    const admin = await w.smtp.waitFor((m) => (m.to ?? []).includes('admin@club.example'));
    for (const m of [mine, admin]) {
      expect(m.envelopeTo, 'no recipient was added').to.have.length(1);
      expect(m.headers.has('bcc')).to.equal(false);
      expect(m.headers.has('x-injected')).to.equal(false);
      const headerBlock = String(m.raw).split(/\r?\n\r?\n/)[0];
      expect(headerBlock).to.not.match(/^Bcc:/im);
      expect(headerBlock).to.not.match(/^X-Injected:/im);
      expect(headerBlock).to.not.match(/^Subject: replaced/im);
      expect(m.html).to.not.include('<script>').and.not.include('<img');
      expect(m.html).to.include('&lt;img src');
      expect(m.text).to.include('{{constructor.constructor}}');
    }
    expect(mine.subject).to.include('{{constructor.constructor}}');
    expect(mine.subject).to.include('{{#each tenant}}');
    expect(mine.html).to.include('{{#each tenant}}{{this}}{{/each}}');
    expect(w.smtp.messages.some((m) => (m.envelopeTo ?? []).includes('thief@evil.example'))).to.equal(false);

    const sms = await eventually(async () => w.twilio.requests.find((r) => r.params.To === '+4790000066'));
    expect(sms.params.Body).to.include('{{constructor.constructor}}').and.include('<script>');

    const hook = await w.hooks.waitFor((r) => (r.body as { fixed?: string })?.fixed === 'ok');
    expect(hook.verified).to.equal(true);
    expect(hook.body).to.deep.equal({ name: hostileName, notes: hostileNotes, fixed: 'ok' });
    expect(Object.keys(hook.headers)).to.not.include('x-injected');
    expect(Object.keys(hook.headers)).to.not.include('bcc');
    expect(hook.headers['x-customer']).to.match(/^Eve Bcc: thief@evil.example X-Injected: yes \{\{constructor/);
  });
});
