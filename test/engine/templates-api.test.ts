import { expect } from 'chai';
import { eventually, startEngineWorld, type EngineWorld } from '../helpers/engine.js';
import { booking, inHours } from '../helpers/fixtures.js';
import { createWorkflow, finishedRun, seededTenant } from './support.js';

// Templates through real sends: what the SMTP server, the Twilio endpoint and the webhook receiver actually got.
describe('templates in real sends', () => {
  let w: EngineWorld;
  let h = 0;
  const slot = () => { h += 2; return { startTime: inHours(1000 + h), endTime: inHours(1001 + h) }; };

  before(async () => { w = await startEngineWorld(); });
  after(async () => { await w.stop(); });

  it('escapes HTML only in the email body; subject, text part, SMS and webhook text get the value as written', async () => {
    const c = await seededTenant(w.app);
    const name = '<b>x</b> & "q"';
    expect((await c.post('/api/customers', { id: 'm-html', name, email: 'html@example.com', phone: '+4799999999' })).status).to.equal(201);
    const wf = await createWorkflow(c, {
      trigger: { type: 'booking.created' },
      actions: [
        { type: 'email', config: { to: 'customer', subject: 'Hi {{customer.name}} {{booking.id}}', html: '<p>Hi {{customer.name}}</p>' } },
        { type: 'sms', config: { to: 'customer', body: 'Hi {{customer.name}} {{booking.id}}' } },
        { type: 'webhook', config: { url: `${w.hooks.url}/tpl`, headers: { 'X-Who': '{{customer.id}} & {{resource.name}}' }, body: { who: '{{customer.name}}', id: '{{booking.id}}' } } },
      ],
    });
    const b = (await c.post('/api/bookings', booking({ customerId: 'm-html', ...slot() }))).body;

    const mail = await w.smtp.waitFor((m) => m.subject === `Hi ${name} ${b.id}`);
    expect(mail.html).to.include('<p>Hi &lt;b&gt;x&lt;/b&gt; &amp; &quot;q&quot;</p>');
    expect(mail.html).to.not.include('<b>x</b>');
    expect(mail.text).to.include(`Hi ${name}`);
    const sms = await eventually(async () => w.twilio.requests.find((r) => r.params.Body?.endsWith(b.id)));
    expect(sms.params.Body).to.equal(`Hi ${name} ${b.id}`);
    const hook = await w.hooks.waitFor((r) => (r.body as { id?: string })?.id === b.id);
    expect(hook.body).to.deep.equal({ who: name, id: b.id });
    expect(hook.headers['x-who']).to.equal('m-html & Court 1');

    // the run history shows the same rendered text
    const run = await finishedRun(c, b.id, wf.id);
    expect(run.steps[0]!.output).to.include({ subject: `Hi ${name} ${b.id}` });
    expect(run.steps[1]!.output).to.include({ body: `Hi ${name} ${b.id}` });
  });

  it('picks the variant for the recipient\'s language, falling back to the tenant default language', async () => {
    const c = await seededTenant(w.app, { defaultLanguage: 'nb', adminEmail: 'boss@club.example' });
    for (const [id, language] of [['m-de', 'de'], ['m-gb', 'en-GB'], ['m-none', null]] as const) {
      expect((await c.post('/api/customers', { id, name: id, email: `${id}@example.com`, phone: '+4790000009', language })).status).to.equal(201);
    }
    await createWorkflow(c, {
      trigger: { type: 'booking.created' },
      actions: [
        {
          type: 'email', config: {
            to: 'customer', subject: 'Base {{booking.id}}', html: '<p>base</p>',
            variants: { nb: { subject: 'Hei {{booking.id}}', html: '<p>hei</p>' }, en: { subject: 'Hello {{booking.id}}', html: '<p>hello</p>' } },
          },
        },
        { type: 'email', config: { to: 'admin', subject: 'Admin {{booking.id}}', html: 'x', variants: { en: { subject: 'Admin EN {{booking.id}}' } } } },
      ],
    });
    const expectations: [Record<string, unknown>, string, string][] = [
      [{ customerId: 'm-de' }, 'Hei', '<p>hei</p>'], // no de variant: the tenant default (nb)
      [{ customerId: 'm-gb' }, 'Hello', '<p>hello</p>'], // en-GB takes en
      [{ customerId: 'm-none' }, 'Hei', '<p>hei</p>'], // no language at all: the tenant default
      [{ customerId: 'm-de', language: 'en' }, 'Hello', '<p>hello</p>'], // the booking's language wins
    ];
    for (const [over, subject, html] of expectations) {
      const b = (await c.post('/api/bookings', booking({ ...slot(), ...over }))).body;
      const mail = await w.smtp.waitFor((m) => (m.subject ?? '').endsWith(` ${b.id}`) && !m.subject!.startsWith('Admin'));
      expect(mail.subject, JSON.stringify(over)).to.equal(`${subject} ${b.id}`);
      expect(mail.html, JSON.stringify(over)).to.include(html);
      // the admin reads the tenant's language (nb): no nb variant there, so the base text
      const admin = await w.smtp.waitFor((m) => (m.subject ?? '').startsWith('Admin') && m.subject!.endsWith(b.id));
      expect(admin.subject).to.equal(`Admin ${b.id}`);
    }
  });

  it('formats dates and money in the language of the text chosen, never another (no mixed-language messages)', async () => {
    const c = await seededTenant(w.app, { defaultLanguage: 'en', adminEmail: 'boss@club.example' });
    for (const [id, language] of [['m-de2', 'de'], ['m-us', 'en-US'], ['m-nn', 'nn'], ['m-no', 'no']] as const) {
      expect((await c.post('/api/customers', { id, name: id, email: `${id}@example.com`, language })).status).to.equal(201);
    }
    const text = '{{booking.id}} {{formatDate booking.startTime "full"}} {{formatMoney 1234.5 "EUR"}}';
    await createWorkflow(c, {
      trigger: { type: 'booking.created' },
      actions: [{ type: 'email', config: { to: 'customer', subject: `Base ${text}`, html: 'x', variants: { nb: { subject: `Hei ${text}` } } } }],
    });
    const start = '2027-06-07T10:00:00Z'; // a Monday
    const subjectFor = async (customerId: string) => {
      const b = (await c.post('/api/bookings', booking({ customerId, startTime: start, endTime: '2027-06-07T11:00:00Z', resourceId: 'r-3' }))).body;
      const subject = (await w.smtp.waitFor((m) => (m.subject ?? '').includes(` ${b.id} `))).subject!.replace(` ${b.id} `, ' ');
      await c.delete(`/api/bookings/${b.id}`); // the seat, for the next reader at the same time
      return subject;
    };
    expect(await subjectFor('m-1')).to.match(/^Hei mandag 7\. juni 2027 kl\. 12:00 CEST 1\s234,50\s€$/); // the nb variant, in nb
    // Nynorsk and plain "no" readers get the Bokmål text (in Bokmål), not the English base
    expect(await subjectFor('m-nn')).to.match(/^Hei mandag 7\. juni 2027 kl\. 12:00 CEST 1\s234,50\s€$/);
    expect(await subjectFor('m-no')).to.match(/^Hei mandag 7\. juni 2027 kl\. 12:00 CEST 1\s234,50\s€$/);
    // no de variant: the base text, in the tenant's language (en), not English words around German dates
    expect(await subjectFor('m-de2')).to.match(/^Base Monday, June 7, 2027 at 12:00\sPM GMT\+2 €1,234\.50$/);
    expect(await subjectFor('m-us')).to.match(/^Base Monday, June 7, 2027 at 12:00\sPM GMT\+2 €1,234\.50$/);
  });

  it('renders dates in the location\'s time zone, across a daylight saving change', async () => {
    const c = await seededTenant(w.app, { timezone: 'UTC', defaultLanguage: 'nb' }); // the text below is the tenant's: nb
    expect((await c.post('/api/locations', { id: 'c-ny', name: 'New York', timezone: 'America/New_York' })).status).to.equal(201);
    expect((await c.post('/api/resources', { id: 'r-ny', name: 'NY court', locationId: 'c-ny' })).status).to.equal(201);
    await createWorkflow(c, {
      trigger: { type: 'booking.created' },
      actions: [{ type: 'email', config: { to: 'customer', subject: '{{booking.id}} at {{formatTime booking.startTime}} on {{formatDate booking.startTime "short"}}', html: 'x' } }],
    });
    // Europe/Oslo moves from UTC+1 to UTC+2 at 01:00 UTC on 29 March 2026; m-1 reads Norwegian
    const cases: [Record<string, unknown>, string][] = [
      [{ resourceId: 'r-1', startTime: '2026-03-29T00:30:00Z', endTime: '2026-03-29T01:00:00Z' }, 'at 01:30 on 29.03.2026, 01:30'],
      [{ resourceId: 'r-1', startTime: '2026-03-29T01:30:00Z', endTime: '2026-03-29T02:00:00Z' }, 'at 03:30 on 29.03.2026, 03:30'],
      // the same instant at a location in another zone (New York: EDT, UTC-4, since 8 March)
      [{ resourceId: 'r-ny', startTime: '2026-03-29T00:30:00Z', endTime: '2026-03-29T01:00:00Z' }, 'at 20:30 on 28.03.2026, 20:30'],
    ];
    for (const [over, want] of cases) {
      const b = (await c.post('/api/bookings', booking(over))).body;
      const mail = await w.smtp.waitFor((m) => (m.subject ?? '').startsWith(`${b.id} `));
      expect(mail.subject, JSON.stringify(over)).to.equal(`${b.id} ${want}`);
    }
  });
});
