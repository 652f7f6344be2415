import { expect } from 'chai';
import { rows } from '../../src/db/sql.js';
import { defaultWorkflows, installDefaultsForAllTenants, registerDefaultWorkflow } from '../../src/engine/defaults.js';
import { ENDPOINT_DISABLED_DEFAULT_KEY } from '../../src/webhooks/default-workflow.js';
import { triggers } from '../../triggers/index.js';
import { actions } from '../../actions/index.js';
import type { Client } from '../helpers/client.js';
import { eventually, settled, startEngineWorld, type EngineWorld } from '../helpers/engine.js';
import { booking, inHours } from '../helpers/fixtures.js';
import { createWorkflow, finishedRun, seededTenant } from './support.js';

const email = (over: Record<string, unknown> = {}) => ({ type: 'email', config: { to: 'customer', subject: 'Hi {{customer.name}}', html: '<p>x</p>', ...over } });

// The defaults test uses a shipped default. Should none be registered, it registers one of its own when its tests
// start: disabled and without actions, so tenants created later in this process are not affected beyond their lists.
let DEFAULT_KEY = 'test.engine-defaults';

describe('workflows API', () => {
  let w: EngineWorld;
  let c: Client;
  before(async () => {
    w = await startEngineWorld();
    c = await seededTenant(w.app);
    const shipped = defaultWorkflows()[0];
    if (shipped) DEFAULT_KEY = shipped.key;
    else {
      registerDefaultWorkflow({
        key: DEFAULT_KEY,
        workflow: { name: 'Welcome (test default)', enabled: false, trigger: { type: 'customer.created' }, actions: [] },
      });
    }
  });
  after(async () => { await w.stop(); });

  async function state(tenant: Client) {
    const [t] = await rows<{ v: string }>(w.app.ds, 'SELECT workflows_version::text AS v FROM tenants WHERE id = $1', [tenant.tenantId]);
    const [n] = await rows<{ n: number }>(w.app.ds, 'SELECT count(*)::int AS n FROM workflows WHERE tenant_id = $1', [tenant.tenantId]);
    return { version: t.v, count: n.n };
  }

  it('creates, lists, gets, patches, disables, enables and deletes a workflow', async () => {
    const created = await createWorkflow(c, {
      name: 'Confirm', description: 'tell them', trigger: { type: 'booking.status_changed', config: { to: ['confirmed'] } },
      filters: { statuses: ['confirmed'] }, actions: [email()],
    });
    expect(created).to.include({ name: 'Confirm', description: 'tell them', enabled: true, version: 1, builtin: null });
    expect(created.trigger).to.deep.equal({ type: 'booking.status_changed', config: { to: ['confirmed'], from: [] } });
    expect(created.filters).to.deep.equal({ locationIds: [], serviceIds: [], resourceIds: [], statuses: ['confirmed'], languages: [] });
    expect(created.actions[0].id).to.match(/^[A-Za-z0-9_-]+$/);
    expect(created.summary).to.equal('When a booking goes from any status to confirmed');

    const got = await c.get(`/api/workflows/${created.id}`);
    expect(got.status).to.equal(200);
    expect(got.body).to.deep.include({ id: created.id, actions: created.actions, trigger: created.trigger });

    const other = await createWorkflow(c, { trigger: { type: 'customer.created' }, enabled: false });
    const list = (await c.get('/api/workflows')).body.items.map((x: { id: string }) => x.id);
    expect(list).to.include.members([created.id, other.id]);
    expect((await c.get('/api/workflows?triggerType=customer.created')).body.items.map((x: { id: string }) => x.id)).to.deep.equal([other.id]);
    expect((await c.get('/api/workflows?enabled=false')).body.items.map((x: { id: string }) => x.id)).to.include(other.id).and.not.include(created.id);

    const patched = await c.patch(`/api/workflows/${created.id}`, { name: 'Confirmed!', filters: { languages: ['en'] } });
    expect(patched.status, JSON.stringify(patched.body)).to.equal(200);
    expect(patched.body).to.include({ name: 'Confirmed!', version: 2, description: 'tell them' });
    expect(patched.body.filters).to.deep.equal({ locationIds: [], serviceIds: [], resourceIds: [], statuses: [], languages: ['en'] });
    expect(patched.body.actions).to.deep.equal(created.actions);

    expect((await c.post(`/api/workflows/${created.id}/disable`)).body).to.include({ enabled: false, version: 3 });
    expect((await c.get(`/api/workflows/${created.id}`)).body.enabled).to.equal(false);
    // a patch changes only what it names: a disabled workflow stays disabled, its filters and steps stay
    const renamed = (await c.patch(`/api/workflows/${created.id}`, { name: 'Renamed' })).body;
    expect(renamed).to.include({ name: 'Renamed', enabled: false, version: 4 });
    expect(renamed.filters.languages).to.deep.equal(['en']);
    expect(renamed.actions).to.deep.equal(created.actions);
    expect((await c.post(`/api/workflows/${created.id}/enable`)).body).to.include({ enabled: true, version: 5 });

    expect((await c.delete(`/api/workflows/${created.id}`)).status).to.equal(204);
    expect((await c.get(`/api/workflows/${created.id}`)).status).to.equal(404);
    expect((await c.patch(`/api/workflows/${created.id}`, { name: 'x' })).status).to.equal(404);
    expect((await c.delete(`/api/workflows/${created.id}`)).status).to.equal(404);
  });

  it('answers 400 VALIDATION_FAILED with pointers into the trigger and action configs, and writes nothing', async () => {
    const before = await state(c);
    const res = await c.post('/api/workflows', {
      name: 'bad',
      trigger: { type: 'booking.before_start', config: { offset: { amount: -1, unit: 'weeks' }, latePolicy: 'maybe' } },
      actions: [
        { type: 'email', config: { to: 'customer', html: '<p>x</p>' } },
        { type: 'sms', config: { to: 'admin', body: 'x' } },
        { type: 'email', config: { to: 'fixed', subject: 's', html: 'h' } },
        { type: 'webhook', config: { url: 'ftp://example.com/x', headers: { 'webhook-signature': 'forged' } } },
      ],
    });
    expect(res.status).to.equal(400);
    expect(res.body.code).to.equal('VALIDATION_FAILED');
    const pointers = res.body.errors.map((e: { pointer: string }) => e.pointer);
    expect(pointers).to.include.members([
      '/trigger/config/offset/amount', '/trigger/config/offset/unit', '/trigger/config/latePolicy',
      '/actions/0/config/subject', '/actions/1/config/to', '/actions/2/config/address', '/actions/3/config/url',
    ]);
    expect(await state(c)).to.deep.equal(before);

    // module-level checks (beyond the schema) report their pointers too
    const headers = await c.post('/api/workflows', { name: 'bad', trigger: { type: 'booking.created' }, actions: [{ type: 'webhook', config: { url: 'https://example.com', headers: { 'Webhook-Signature': 'x' } } }] });
    expect(headers.status).to.equal(400);
    expect(headers.body.errors.map((e: { pointer: string }) => e.pointer)).to.deep.equal(['/actions/0/config/headers/Webhook-Signature']);

    // a patch is validated as a whole and leaves the stored workflow as it was
    const wf = await createWorkflow(c, { trigger: { type: 'booking.created' }, actions: [email()] });
    const mid = await state(c);
    const bad = await c.patch(`/api/workflows/${wf.id}`, { trigger: { type: 'slot.freed', config: { reasons: ['bored'] } } });
    expect(bad.status).to.equal(400);
    expect(bad.body.errors[0].pointer).to.equal('/trigger/config/reasons/0');
    expect(await state(c)).to.deep.equal(mid);
    expect((await c.get(`/api/workflows/${wf.id}`)).body).to.include({ version: 1 });

    // a filter naming a location, service or resource the tenant does not have would never match: refused
    const typo = await c.post('/api/workflows', { name: 'typo', trigger: { type: 'booking.created' }, filters: { locationIds: ['c-1', 'c-l'], resourceIds: ['r-9'] } });
    expect(typo.status).to.equal(400);
    expect(typo.body.errors).to.deep.equal([
      { pointer: '/filters/locationIds/1', in: 'body', message: 'no location with the id "c-l"' },
      { pointer: '/filters/resourceIds/0', in: 'body', message: 'no resource with the id "r-9"' },
    ]);
    expect((await c.patch(`/api/workflows/${wf.id}`, { filters: { serviceIds: ['nope'] } })).body.errors[0].pointer).to.equal('/filters/serviceIds/0');
    expect(await state(c)).to.deep.equal(mid);

    // so would a status filter that allows none of the statuses a status change moves to
    const never = await c.post('/api/workflows', { name: 'never', trigger: { type: 'booking.status_changed', config: { to: ['cancelled'] } }, filters: { statuses: ['confirmed'] } });
    expect(never.status).to.equal(400);
    expect(never.body.errors).to.have.length(1);
    expect(never.body.errors[0].pointer).to.equal('/filters/statuses');
    expect(never.body.errors[0].message).to.include('cancelled').and.include('never run');
    expect(await state(c)).to.deep.equal(mid);
    const some = await c.post('/api/workflows', { name: 'some', enabled: false, trigger: { type: 'booking.status_changed', config: { to: ['cancelled', 'confirmed'] } }, filters: { statuses: ['confirmed'] } });
    expect(some.status, JSON.stringify(some.body)).to.equal(201);
    await c.delete(`/api/workflows/${some.body.id}`);
  });

  it('answers 422 TEMPLATE_INVALID naming the action, the field and the variable, for syntax, variables and helpers', async () => {
    const before = await state(c);
    const cases: { config: Record<string, unknown>; pointer: string; words: string[] }[] = [
      { config: { subject: 'Hi {{customer.name', html: 'x' }, pointer: '/actions/1/config/subject', words: ['syntax error'] },
      { config: { subject: 'Hi', html: '<p>{{customer.nmae}}</p>' }, pointer: '/actions/1/config/html', words: ['customer.nmae', 'customer.name'] },
      { config: { subject: 'Hi {{shout customer.name}}', html: 'x' }, pointer: '/actions/1/config/subject', words: ['unknown helper', 'shout'] },
      { config: { subject: 'Hi', html: 'x', variants: { nb: { subject: '{{booking.colour}}' } } }, pointer: '/actions/1/config/variants/nb/subject', words: ['booking.colour'] },
      { config: { subject: 'Hi', html: 'See you {{formatDate customer.name}}' }, pointer: '/actions/1/config/html', words: ['formatDate', 'customer.name is text'] },
    ];
    for (const t of cases) {
      const res = await c.post('/api/workflows', {
        name: 'tpl', trigger: { type: 'booking.created' },
        actions: [{ type: 'sms', config: { to: 'customer', body: 'fine {{customer.name}}' } }, email(t.config)],
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(422);
      expect(res.body.code).to.equal('TEMPLATE_INVALID');
      expect(res.body.errors).to.have.length(1);
      expect(res.body.errors[0].pointer).to.equal(t.pointer);
      expect(res.body.errors[0].message).to.include('email step 2');
      for (const word of t.words) expect(res.body.errors[0].message).to.include(word);
    }
    expect(await state(c)).to.deep.equal(before);
    // a variable a trigger offers is known to it: payment.completed offers the payment, booking.created does not
    const body = '{{formatMoney event.data.payment.amount event.data.payment.currency}} {{event.data.payment.amont}}';
    const typo = await c.post('/api/workflows', { name: 'tpl', trigger: { type: 'payment.completed' }, actions: [{ type: 'sms', config: { to: 'customer', body } }] });
    expect(typo.status).to.equal(422);
    expect(typo.body.errors[0]).to.include({ pointer: '/actions/0/config/body' });
    expect(typo.body.errors[0].message).to.include('event.data.payment.amont').and.include('sms step 1');
    const ok = await c.post('/api/workflows', { name: 'ok', enabled: false, trigger: { type: 'payment.completed' }, actions: [{ type: 'sms', config: { to: 'customer', body: body.replace(' {{event.data.payment.amont}}', '') } }] });
    expect(ok.status, JSON.stringify(ok.body)).to.equal(201);
    // the event's own data is closed too: a misspelt field of it is refused, a declared one accepted
    const misspelt = await c.post('/api/workflows', { name: 'tpl', trigger: { type: 'booking.status_changed' }, actions: [{ type: 'sms', config: { to: 'customer', body: 'now {{event.data.too}}' } }] });
    expect(misspelt.status).to.equal(422);
    expect(misspelt.body.errors[0].message).to.include('event.data.too').and.include('event.data.to');
    const declared = await c.post('/api/workflows', { name: 'ok2', enabled: false, trigger: { type: 'booking.status_changed' }, actions: [{ type: 'sms', config: { to: 'customer', body: '{{event.data.from}} -> {{event.data.to}}' } }] });
    expect(declared.status, JSON.stringify(declared.body)).to.equal(201);
  });

  it('checks only what a change changes: a workflow stored before a check was added can still be switched off and fixed', async () => {
    const wf = await createWorkflow(c, { name: 'Old', enabled: true, trigger: { type: 'booking.status_changed', config: { to: ['cancelled'] } },
      actions: [email({ subject: 'On {{formatDate booking.startTime}}', html: 'x' })] });
    // as an earlier version stored it: a date helper on a name, and a status filter no status change to cancelled passes
    const stepId = wf.actions[0].id;
    await w.app.ds.query(`UPDATE workflows SET actions = jsonb_set(actions, '{0,config,subject}', '"On {{formatDate customer.name}}"'), filters = jsonb_set(filters, '{statuses}', '["confirmed"]')
      WHERE tenant_id = $1 AND id = $2`, [c.tenantId, wf.id]);
    // shown as needing attention, in the list and alone
    const listed = (await c.get('/api/workflows?limit=500')).body.items.find((x: { id: string }) => x.id === wf.id);
    expect(listed.problems.map((p: { pointer: string }) => p.pointer)).to.have.members(['/filters/statuses', '/actions/0/config/subject']);
    expect((await c.get(`/api/workflows/${wf.id}`)).body.problems).to.deep.equal(listed.problems);
    expect((await c.post(`/api/workflows/${wf.id}/disable`)).status, 'the off switch').to.equal(200);
    expect((await c.patch(`/api/workflows/${wf.id}`, { name: 'Old, renamed' })).status).to.equal(200);
    const stored = (await c.get(`/api/workflows/${wf.id}`)).body;
    expect((await c.patch(`/api/workflows/${wf.id}`, { actions: stored.actions })).status, 'its steps sent back as they are').to.equal(200);
    // what a change touches is checked as on any save
    const changedStep = await c.patch(`/api/workflows/${wf.id}`, { actions: [{ ...stored.actions[0], config: { ...stored.actions[0].config, html: 'y' } }] });
    expect(changedStep.status).to.equal(422);
    expect(changedStep.body.errors[0].message).to.include('customer.name is text');
    const changedFilter = await c.patch(`/api/workflows/${wf.id}`, { filters: { statuses: ['confirmed', 'pending'] } });
    expect(changedFilter.status).to.equal(400);
    expect(changedFilter.body.errors[0].pointer).to.equal('/filters/statuses');
    const fixed = await c.patch(`/api/workflows/${wf.id}`, { filters: { statuses: [] }, actions: [{ id: stepId, ...email({ subject: 'On {{formatDate booking.startTime}}', html: 'x' }) }] });
    expect(fixed.status, JSON.stringify(fixed.body)).to.equal(200);
    expect(fixed.body.problems).to.deep.equal([]);
    await c.delete(`/api/workflows/${wf.id}`);
  });

  it('accepts a webhook URL with a variable and calls the rendered URL', async () => {
    const t = await seededTenant(w.app);
    const wf = await createWorkflow(t, { trigger: { type: 'booking.created' }, actions: [{ type: 'webhook', config: { url: `${w.hooks.url}/bookings/{{booking.id}}?who={{customer.id}}` } }] });
    const b = (await t.post('/api/bookings', booking({ startTime: inHours(300), endTime: inHours(301) }))).body;
    const req = await w.hooks.waitFor((r) => r.path.startsWith(`/bookings/${b.id}`));
    expect(req.path).to.equal(`/bookings/${b.id}?who=m-1`);
    expect((await finishedRun(t, b.id, wf.id)).status).to.equal('succeeded');
  });

  it('returns a webhook step\'s signing secret once: on create, not on get; kept for the same step id, new for a new step', async () => {
    const hook = { type: 'webhook', config: { url: 'https://example.com/hook' } };
    const wf = await createWorkflow(c, { trigger: { type: 'booking.created' }, enabled: false, actions: [email(), { id: 'hook-1', ...hook }] });
    expect(Object.keys(wf.secrets)).to.deep.equal(['hook-1']);
    const secret = wf.secrets['hook-1'].signing;
    expect(secret).to.match(/^whsec_/);

    const got = (await c.get(`/api/workflows/${wf.id}`)).body;
    expect(got).to.not.have.property('secrets');
    expect(JSON.stringify(got)).to.not.include(secret);
    const listed = (await c.get('/api/workflows')).body;
    expect(JSON.stringify(listed)).to.not.include(secret);

    const same = await c.patch(`/api/workflows/${wf.id}`, { actions: [{ id: 'hook-1', type: 'webhook', config: { url: 'https://example.com/moved' } }] });
    expect(same.status).to.equal(200);
    expect(same.body).to.not.have.property('secrets');
    const stored = async () => (await rows<{ secrets: Record<string, { signing: string }> }>(w.app.ds, 'SELECT secrets FROM workflows WHERE tenant_id = $1 AND id = $2', [c.tenantId, wf.id]))[0].secrets;
    expect((await stored())['hook-1'].signing).to.equal(secret);

    const added = await c.patch(`/api/workflows/${wf.id}`, { actions: [{ id: 'hook-1', ...hook }, { id: 'hook-2', ...hook }] });
    expect(Object.keys(added.body.secrets)).to.deep.equal(['hook-2']);
    expect(added.body.secrets['hook-2'].signing).to.match(/^whsec_/).and.not.equal(secret);
    const all = await stored();
    expect(all['hook-1'].signing).to.equal(secret);
    expect(all['hook-2'].signing).to.equal(added.body.secrets['hook-2'].signing);

    // a removed step's secret is dropped with it
    await c.patch(`/api/workflows/${wf.id}`, { actions: [{ id: 'hook-2', ...hook }] });
    expect(Object.keys(await stored())).to.deep.equal(['hook-2']);
  });

  it('lists every trigger and action in the catalog with its config schema and variables', async () => {
    const t = (await c.get('/api/catalog/triggers')).body;
    expect(t.items.map((x: { type: string }) => x.type)).to.have.members(triggers.map((x) => x.type));
    for (const item of t.items) {
      expect(item.title, item.type).to.be.a('string').that.is.not.empty;
      expect(item.configSchema, item.type).to.have.property('type', 'object');
      expect(item.variables.properties, item.type).to.include.keys(item.type === 'customer.created' ? ['customer', 'event'] : ['booking', 'customer', 'event']);
    }
    expect(t.items.find((x: { type: string }) => x.type === 'booking.before_start')).to.include({ timed: true });
    expect(t.helpers.map((h: { name: string }) => h.name)).to.include('formatDate');
    const a = (await c.get('/api/catalog/actions')).body;
    expect(a.items.map((x: { type: string }) => x.type)).to.have.members(actions.map((x) => x.type));
    for (const item of a.items) expect(item.configSchema, item.type).to.have.property('type', 'object');
    expect(a.items.find((x: { type: string }) => x.type === 'email')).to.deep.include({ templatedFields: ['subject', 'html'], htmlField: 'html' });
  });

  it('refuses workflow and run routes to app keys (403) but lets them read the catalog', async () => {
    const key = await c.post('/api/keys', { role: 'app', name: 'booking widget' });
    expect(key.status).to.equal(201);
    const app = w.app.client(key.body.secret);
    const wf = await createWorkflow(c, { trigger: { type: 'booking.created' }, enabled: false });
    const attempts = [
      app.get('/api/workflows'), app.post('/api/workflows', { name: 'x', trigger: { type: 'booking.created' } }),
      app.get(`/api/workflows/${wf.id}`), app.patch(`/api/workflows/${wf.id}`, { name: 'y' }), app.delete(`/api/workflows/${wf.id}`),
      app.post(`/api/workflows/${wf.id}/disable`), app.post(`/api/workflows/${wf.id}/test`, {}), app.get(`/api/workflows/${wf.id}/runs`),
      app.get('/api/workflows/defaults'),
      // a booking's runs show rendered messages and the webhook requests made (with their headers): admin only too
      app.get('/api/bookings/any/runs'), app.get('/api/bookings/any/workflows'),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).to.equal(403);
      expect(res.body.code).to.equal('FORBIDDEN');
    }
    expect((await c.get(`/api/workflows/${wf.id}`)).body.name).to.equal('wf');
    expect((await app.get('/api/catalog/triggers')).status).to.equal(200);
    expect((await app.get('/api/catalog/actions')).status).to.equal(200);
  });

  it('installs defaults in new tenants, shows whether they were changed, and restores them', async () => {
    const shipped = defaultWorkflows().find((d) => d.key === DEFAULT_KEY)!.workflow;
    const t = await w.app.tenant();
    const find = async () => (await t.get('/api/workflows/defaults')).body.items.find((d: { key: string }) => d.key === DEFAULT_KEY);
    // every default is installed, and reads as unmodified until someone changes it
    const items = (await t.get('/api/workflows/defaults')).body.items as { key: string; workflowId: string | null; modified: boolean }[];
    expect(items.map((i) => i.key)).to.have.members(defaultWorkflows().map((x) => x.key));
    for (const item of items) expect([item.key, item.workflowId !== null, item.modified]).to.deep.equal([item.key, true, false]);
    const d = await find();
    expect(d).to.include({ name: shipped.name, modified: false });
    const installed = (await t.get(`/api/workflows/${d.workflowId}`)).body;
    expect(installed).to.include({ builtin: DEFAULT_KEY, enabled: shipped.enabled ?? true, name: shipped.name });

    await t.patch(`/api/workflows/${d.workflowId}`, { name: 'My version', enabled: false });
    expect((await find()).modified).to.equal(true);
    const reset = await t.post(`/api/workflows/defaults/${DEFAULT_KEY}/restore`);
    expect(reset.status, JSON.stringify(reset.body)).to.equal(200);
    expect(reset.body).to.include({ id: d.workflowId, name: shipped.name, builtin: DEFAULT_KEY, enabled: shipped.enabled ?? true });
    expect((await find()).modified).to.equal(false);

    expect((await t.delete(`/api/workflows/${d.workflowId}`)).status).to.equal(204);
    expect((await find()).workflowId).to.equal(null);
    const restored = await t.post(`/api/workflows/defaults/${DEFAULT_KEY}/restore`);
    expect(restored.status).to.equal(200);
    expect(restored.body).to.include({ builtin: DEFAULT_KEY, name: shipped.name });
    expect((await find()).workflowId).to.equal(restored.body.id);

    // a copy as an earlier version shipped is brought up to the current one at boot; an edited copy is left alone
    const webhookDefault = defaultWorkflows().find((x) => x.key === ENDPOINT_DISABLED_DEFAULT_KEY)!;
    const copyOf = async (c: typeof t) => (await c.get('/api/workflows/defaults')).body.items.find((x: { key: string }) => x.key === ENDPOINT_DISABLED_DEFAULT_KEY);
    const edited = await w.app.tenant();
    const [old, mine] = [await copyOf(t), await copyOf(edited)];
    const stepsAs = async (c: typeof t, id: string, html: string) => {
      const wf = (await c.get(`/api/workflows/${id}`)).body;
      await w.app.ds.query("UPDATE workflows SET actions = jsonb_set(actions, '{0,config,html}', to_jsonb($3::text)) WHERE tenant_id = $1 AND id = $2", [c.tenantId, id, html]);
      return wf.actions[0].id as string;
    };
    const stepId = await stepsAs(t, old.workflowId, (webhookDefault.earlierActions![0][0].config as { html: string }).html);
    await stepsAs(edited, mine.workflowId, '<p>Our own words {{event.data.webhook.url}}</p>');
    expect((await copyOf(t)).modified, 'as it first shipped: reads as changed').to.equal(true);
    await installDefaultsForAllTenants(w.app.ds);
    expect((await copyOf(t)).modified).to.equal(false);
    const updated = (await t.get(`/api/workflows/${old.workflowId}`)).body;
    expect(updated.actions[0].config.html).to.include('GET /api/events?from=');
    expect(updated.actions[0].id, 'the same step').to.equal(stepId);
    expect((await copyOf(edited)).modified).to.equal(true);
    expect((await edited.get(`/api/workflows/${mine.workflowId}`)).body.actions[0].config.html).to.equal('<p>Our own words {{event.data.webhook.url}}</p>');

    // an edit that lands while the boot-time update waits for the copy's lock is kept (asked again under the lock)
    await stepsAs(t, old.workflowId, (webhookDefault.earlierActions![0][0].config as { html: string }).html);
    const holder = w.app.ds.createQueryRunner();
    await holder.startTransaction();
    try {
      await holder.query('SELECT 1 FROM workflows WHERE tenant_id = $1 AND id = $2 FOR UPDATE', [t.tenantId, old.workflowId]);
      const booting = installDefaultsForAllTenants(w.app.ds);
      await eventually(async () => (await rows(w.app.ds, `
        SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)).length > 0, 5000, 'the update to wait');
      await holder.query("UPDATE workflows SET actions = jsonb_set(actions, '{0,config,html}', '\"<p>Edited meanwhile</p>\"') WHERE tenant_id = $1 AND id = $2", [t.tenantId, old.workflowId]);
      await holder.commitTransaction();
      await booting;
    } finally {
      if (holder.isTransactionActive) await holder.rollbackTransaction();
      await holder.release();
    }
    expect((await t.get(`/api/workflows/${old.workflowId}`)).body.actions[0].config.html).to.equal('<p>Edited meanwhile</p>');

    const unknown = await t.post('/api/workflows/defaults/no.such-default/restore');
    expect(unknown.status).to.equal(404);
    expect(unknown.body.code).to.equal('NOT_FOUND');
    await settled(w.app);
  });
});
