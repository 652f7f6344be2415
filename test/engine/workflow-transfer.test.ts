// Export and import of workflows: from one tenant to another (or another installation), all or nothing, switched off.
import { expect } from 'chai';
import { startTestApp, type TestApp } from '../helpers/app.js';
import type { Client } from '../helpers/client.js';

describe('exporting and importing workflows', () => {
  let app: TestApp;
  let a: Client;
  let b: Client;
  before(async () => {
    app = await startTestApp({ worker: false });
    a = await app.tenant('t-export');
    b = await app.tenant('t-import');
  });
  after(async () => { await app.stop(); });

  const ownWorkflows = async (c: Client) => ((await c.get('/api/workflows?limit=500')).body.items as { builtin: string | null }[]).filter((w) => !w.builtin);

  it('exports a tenant\'s own workflows and imports them elsewhere, switched off, with new signing secrets', async () => {
    const hook = await a.post('/api/workflows', {
      name: 'CRM sync', trigger: { type: 'booking.created' }, filters: { statuses: ['confirmed'] },
      actions: [{ type: 'webhook', config: { url: 'https://crm.example.com/hook', body: { id: '{{booking.id}}' } } }],
    });
    expect(hook.status, JSON.stringify(hook.body)).to.equal(201);
    expect((await a.post('/api/workflows', {
      name: 'Reminder', trigger: { type: 'booking.before_start', config: { offset: { amount: 2, unit: 'hours' } } },
      actions: [{ type: 'sms', config: { to: 'customer', body: 'See you at {{formatTime booking.startTime}}' } }],
    })).status).to.equal(201);

    const exported = await a.get('/api/workflows/export');
    expect(exported.status).to.equal(200);
    expect(exported.body.format).to.equal('bookflow.workflows/1');
    expect(exported.body.workflows.map((w: { name: string }) => w.name)).to.deep.equal(['CRM sync', 'Reminder']); // no built-in ones
    expect(JSON.stringify(exported.body), 'no signing secrets').to.not.match(/whsec_|"secrets"/);
    for (const w of exported.body.workflows) {
      expect(w, 'no workflow id').to.not.have.property('id');
      for (const step of w.actions) expect(Object.keys(step), 'no step id').to.deep.equal(['type', 'config']);
    }

    const imported = await b.post('/api/workflows/import', exported.body);
    expect(imported.status, JSON.stringify(imported.body)).to.equal(201);
    expect(imported.body.items.map((w: { name: string; enabled: boolean }) => [w.name, w.enabled])).to.deep.equal([['CRM sync', false], ['Reminder', false]]);
    const [crm] = imported.body.items;
    expect(crm.trigger).to.deep.equal(hook.body.trigger);
    expect(crm.filters).to.deep.equal(hook.body.filters);
    expect(crm.actions[0].config).to.deep.equal(hook.body.actions[0].config);
    const secret = (w: { secrets: Record<string, { signing: string }> }) => Object.values(w.secrets)[0].signing;
    expect(secret(crm)).to.match(/^whsec_/).and.not.equal(secret(hook.body));
  });

  it('adds none when one does not fit, pointing at it', async () => {
    const before = (await ownWorkflows(b)).length;
    const res = await b.post('/api/workflows/import', {
      workflows: [
        { name: 'Fine', trigger: { type: 'booking.created' }, actions: [{ type: 'email', config: { to: 'customer', subject: 'Hi', html: 'x' } }] },
        { name: 'Broken', trigger: { type: 'booking.created' }, actions: [{ type: 'email', config: { to: 'customer', subject: 'Hi {{customer.nmae}}', html: 'x' } }] },
      ],
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(422);
    expect(res.body.code).to.equal('TEMPLATE_INVALID');
    expect(res.body.errors[0].pointer).to.equal('/workflows/1/actions/0/config/subject');
    expect(await ownWorkflows(b), 'nothing added').to.have.length(before);

    // a filter naming a location this tenant does not have (another tenant's): which workflow, and where in it
    const elsewhere = await b.post('/api/workflows/import', {
      workflows: [
        { name: 'Fine', trigger: { type: 'booking.created' } },
        { name: 'From the other club', trigger: { type: 'booking.created' }, filters: { locationIds: ['their-hall'] } },
      ],
    });
    expect(elsewhere.status).to.equal(400);
    expect(elsewhere.body.detail).to.include('workflow 2 ("From the other club", at /workflows/1)');
    expect(elsewhere.body.errors[0].pointer).to.equal('/workflows/1/filters/locationIds/0');
    expect(await ownWorkflows(b), 'nothing added').to.have.length(before);

    const wrong = await b.post('/api/workflows/import', { format: 'zapier/2', workflows: [] });
    expect(wrong.status).to.equal(400);
    expect(wrong.body.errors.map((e: { pointer: string }) => e.pointer)).to.include.members(['/format', '/workflows']);
    expect(await ownWorkflows(b)).to.have.length(before);
  });
});
