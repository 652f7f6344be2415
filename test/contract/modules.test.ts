import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { actions } from '../../actions/index.js';
import { triggers } from '../../triggers/index.js';
import { bodyAjv } from '../../src/api/validate.js';
import type { ActionModule, JSONSchema, TriggerModule } from '../../src/engine/contracts.js';
import { bookingCreated } from '../../triggers/booking-created.js';
import { templatesOf } from '../../src/engine/workflow-schema.js';
import { checkTemplate } from '../../src/templates/index.js';
import { settled, startEngineWorld, type EngineWorld } from '../helpers/engine.js';
import type { Client } from '../helpers/client.js';

// ONE contract suite that every trigger and every action runs through (STYLE.md habit 6). Module tests elsewhere add
// only what is specific to a module.
const here = path.dirname(fileURLToPath(import.meta.url));
// Compiled to <out>/test/contract/: the module sources live three levels up, in the project's own folders.
const root = path.resolve(here, '../../..');

/** The smallest config a schema accepts: defaults, first enum values, minimums, required properties only. */
function exampleOf(schema: JSONSchema): unknown {
  const s = schema as Record<string, any>;
  if (s.default !== undefined) return structuredClone(s.default);
  if (Array.isArray(s.enum)) return s.enum[0];
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'object': return Object.fromEntries((s.required ?? []).map((k: string) => [k, exampleOf(s.properties?.[k] ?? {})]));
    case 'array': return [];
    case 'integer': case 'number': return s.minimum ?? 1;
    case 'boolean': return false;
    default: return 'x';
  }
}

/** The trigger an action is tried with: booking.created, unless the action works only with others. */
function triggerFor(a: ActionModule<any>): TriggerModule<any> {
  const type = a.triggers && !a.triggers.includes(bookingCreated.type) ? a.triggers[0] : bookingCreated.type;
  return (triggers as TriggerModule<any>[]).find((t) => t.type === type)!;
}

/** Every module a folder's files export, by file, loaded from the compiled output next to this suite. */
async function modulesByFile(folder: 'triggers' | 'actions'): Promise<Map<string, { type: string }[]>> {
  const files = fs.readdirSync(path.join(root, folder)).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && f !== 'index.ts');
  const out = new Map<string, { type: string }[]>();
  for (const f of files) {
    const mod = await import(`../../${folder}/${f.replace(/\.ts$/, '.js')}`) as Record<string, unknown>;
    out.set(f, Object.values(mod).filter((v): v is { type: string } => typeof v === 'object' && v !== null && 'type' in v && 'configSchema' in v));
  }
  return out;
}

function registryMatchesFolder(folder: 'triggers' | 'actions', list: { type: string }[]): void {
  it(`${folder}/index.ts lists every module file exactly once, and no two modules share a type`, async () => {
    const byFile = await modulesByFile(folder);
    expect(byFile.size, `no module files found in ${folder}/`).to.be.greaterThan(0);
    for (const [file, exported] of byFile) {
      expect(exported, `${folder}/${file} exports one module`).to.have.length(1);
      expect(list.filter((m) => m === exported[0]), `${folder}/${file} is listed once in ${folder}/index.ts`).to.have.length(1);
    }
    expect(list, `${folder}/index.ts lists only modules from files in ${folder}/`).to.have.length(byFile.size);
    const types = list.map((m) => m.type);
    expect(new Set(types).size, `duplicate types in ${types.join(', ')}`).to.equal(types.length);
  });
}

describe('module contract', () => {
  let w: EngineWorld;
  let c: Client;
  before(async () => {
    w = await startEngineWorld();
    c = await w.app.tenant('t-contract', { adminEmail: 'boss@club.example' });
    // The trigger samples name these ids (src/engine/samples.ts): actions that look rows up (waitlist.fill) find them.
    for (const [p, body] of [
      ['/api/locations', { id: 'loc-sample', name: 'Main club', timezone: 'Europe/Oslo' }],
      ['/api/services', { id: 'svc-sample', name: 'Court hour', durationMinutes: 60 }],
      ['/api/resources', { id: 'r-sample', name: 'Court 1', locationId: 'loc-sample' }],
      ['/api/customers', { id: 'm-sample', name: 'Kari Nordmann' }],
    ] as const) expect((await c.post(p, body)).status).to.equal(201);
  });
  after(async () => { await w.stop(); });

  registryMatchesFolder('triggers', triggers);
  registryMatchesFolder('actions', actions);

  for (const t of triggers as TriggerModule<any>[]) {
    describe(`trigger ${t.type}`, () => {
      const validate = bodyAjv.compile(t.configSchema);
      const config = () => {
        const cfg = exampleOf(t.configSchema) as Record<string, unknown>;
        expect(validate(cfg), JSON.stringify(validate.errors)).to.equal(true);
        return cfg;
      };

      it('has a title, a description and a config schema that compiles and accepts its minimal config', () => {
        expect(t.title).to.be.a('string').that.is.not.empty;
        expect(t.description).to.be.a('string').that.is.not.empty;
        expect((t.configSchema as { type?: string }).type).to.equal('object');
        config();
      });

      it('offers its variables as an object schema: the customer, the tenant and the event (and a booking where it has one)', () => {
        const v = t.variables as { type?: string; properties?: Record<string, unknown> };
        expect(v.type).to.equal('object');
        expect(v.properties).to.include.keys('customer', 'tenant', 'event');
        if (t.sampleEvent.subjectType === 'booking' || t.schedule) expect(v.properties).to.include.keys('booking');
      });

      it('matches its own sample event (event triggers) or schedules a moment for it (timed triggers)', () => {
        const cfg = config();
        const event = { ...t.sampleEvent, tenantId: 't-contract' };
        if (t.schedule) {
          expect(t.listensTo, 'a timed trigger listens to no event').to.deep.equal([]);
          const booking = (event.data as { booking: Parameters<NonNullable<typeof t.schedule>>[0] }).booking;
          const at = t.schedule(booking, cfg, 'Europe/Oslo');
          expect(at).to.be.instanceOf(Date);
          expect(Number.isNaN(at!.getTime())).to.equal(false);
          expect(t.anchor, 'a timed trigger names the booking time it counts from').to.be.a('function');
        } else {
          expect(t.listensTo).to.include(t.sampleEvent.type);
          expect(t.matches(event, cfg)).to.equal(true);
        }
      });

      it('describes its config in words', () => {
        expect(t.describe(config())).to.be.a('string').that.is.not.empty;
      });

      it('dry-runs its sample through the API with every variable group rendered', async () => {
        const res = await c.post('/api/workflows/test', {
          workflow: {
            trigger: { type: t.type, config: config() },
            actions: [{ type: 'email', config: { to: 'fixed', address: 'x@example.com', subject: '{{tenant.name}} {{event.type}}', html: '<p>{{customer.name}}</p>' } }],
          },
        });
        expect(res.status, JSON.stringify(res.body)).to.equal(200);
        expect(res.body.decision).to.equal('would_run');
        expect(res.body.steps[0]).to.include({ outcome: 'would_send', error: null });
        expect(res.body.steps[0].output.subject).to.equal(`Tenant t-contract ${t.sampleEvent.type}`);
      });
    });
  }

  for (const a of actions as ActionModule<any>[]) {
    describe(`action ${a.type}`, () => {
      const validate = bodyAjv.compile(a.configSchema);

      it('has a title, a description and a config schema that compiles and accepts its sample config', () => {
        expect(a.title).to.be.a('string').that.is.not.empty;
        expect(a.description).to.be.a('string').that.is.not.empty;
        const cfg = structuredClone(a.sampleConfig);
        expect(validate(cfg), JSON.stringify(validate.errors)).to.equal(true);
        expect(a.validate?.(cfg) ?? []).to.deep.equal([]);
      });

      it('names only fields its schema declares as templated, and its sample templates fit its trigger', () => {
        const props = (a.configSchema as { properties: Record<string, { 'x-templated'?: boolean }> }).properties;
        for (const f of a.templatedFields) expect(props[f]?.['x-templated'], `${f} is marked x-templated`).to.equal(true);
        if (a.htmlField) expect(a.templatedFields).to.include(a.htmlField);
        for (const t of a.triggers ?? []) expect(triggers.map((x) => x.type), `${a.type} names trigger ${t}`).to.include(t);
        for (const { pointer, source } of templatesOf(a, structuredClone(a.sampleConfig))) {
          expect(checkTemplate(source, triggerFor(a).variables), `${a.type}${pointer}`).to.deep.equal([]);
        }
      });

      it('describes its sample config in words', () => {
        expect(a.describe(structuredClone(a.sampleConfig))).to.be.a('string').that.is.not.empty;
      });

      it('runs in a dry run through the API with its sample config and sends nothing', async () => {
        const res = await c.post('/api/workflows/test', {
          workflow: { trigger: { type: triggerFor(a).type, config: exampleOf(triggerFor(a).configSchema) }, actions: [{ type: a.type, config: a.sampleConfig }] },
        });
        expect(res.status, JSON.stringify(res.body)).to.equal(200);
        const [step] = res.body.steps;
        expect(step.error, JSON.stringify(step.error)).to.equal(null);
        expect(step.outcome).to.match(/^would_/);
        expect(step.output).to.be.an('object').that.is.not.empty;
        await settled(w.app);
        expect(w.smtp.messages).to.have.length(0);
        expect(w.twilio.requests).to.have.length(0);
        expect(w.hooks.requests).to.have.length(0);
        expect((await c.get('/api/messages')).body.items).to.have.length(0);
      });
    });
  }
});
