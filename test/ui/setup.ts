// One admin UI suite: a real Bookflow (API + worker, fresh database) with a tenant seeded through the API, and a
// headless Chromium with a fresh profile. Each test gets a new tab; a passing test still fails on any console error
// or page error it caused. Without Chromium the suite is skipped with a message saying what to install.
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app.js';
import type { Client } from '../helpers/client.js';
import { chromiumAvailable, CHROMIUM_MISSING, ensureUiBuilt, launch, type Browser } from './browser.js';

export interface UiSuite {
  app: TestApp;
  /** The tenant's admin client (its key signs in to the UI). */
  c: Client;
  page: Page;
}

export const inDays = (d: number, hour = 10): string => {
  const t = new Date(Date.now() + d * 86400_000);
  t.setUTCHours(hour, 0, 0, 0);
  return t.toISOString();
};
export const plusHour = (iso: string): string => new Date(new Date(iso).getTime() + 3600_000).toISOString();

async function seed(c: Client): Promise<void> {
  const ok = (r: { status: number; body: unknown }, what: string) => {
    if (r.status >= 300) throw new Error(`seeding ${what}: ${r.status} ${JSON.stringify(r.body)}`);
  };
  ok(await c.post('/api/locations', { id: 'oslo', name: 'Oslo Centre', timezone: 'Europe/Oslo' }), 'location');
  ok(await c.post('/api/locations', { id: 'bergen', name: 'Bergen Harbour', timezone: 'Europe/Oslo' }), 'location');
  ok(await c.post('/api/services', { id: 'court-hour', name: 'Court hour', durationMinutes: 60 }), 'service');
  ok(await c.post('/api/resources', { id: 'court-1', name: 'Court 1', locationId: 'oslo', capacity: 1, email: 'court1@club.test' }), 'resource');
  ok(await c.post('/api/resources', { id: 'court-2', name: 'Court 2', locationId: 'bergen', capacity: 1 }), 'resource');
  const customers = [['per', 'Per Hansen', 'nb', '+4791111111'], ['anna', 'Anna Berg', 'en', '+4792222222'], ['ola', 'Ola Nilsen', 'nb', '+4793333333']];
  for (const [id, name, language, phone] of customers) {
    ok(await c.post('/api/customers', { id, name, email: `${id}@club.test`, phone, language }), 'customer');
  }
}

/**
 * Registers the suite's hooks; the returned object is filled in by them. `env` is read when the app starts (after the
 * suite's own earlier `before` hooks, which may start peers such as a Twilio endpoint).
 */
export function uiSuite(opts: { worker?: boolean; env?: () => Record<string, string> } = {}): UiSuite {
  const t = {} as UiSuite;
  let browser: Browser | null = null;

  before(async function () {
    if (!chromiumAvailable()) {
      console.warn(`      skipped: ${CHROMIUM_MISSING}`);
      this.skip();
    }
    ensureUiBuilt();
    t.app = await startTestApp({ worker: opts.worker ?? true, env: opts.env?.() });
    t.c = await t.app.tenant('ui');
    await seed(t.c);
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await t.app?.stop();
  });
  beforeEach(async () => {
    browser!.errors.length = 0;
    t.page = await browser!.page();
  });
  afterEach(async function () {
    await t.page?.close();
    // A failed test already says why; a passing one fails here on any console or page error.
    if (this.currentTest?.state === 'passed') expect(browser!.errors, 'console or page errors').to.deep.equal([]);
  });
  return t;
}

/** A textbox in a generated (rjsf) form, by its label. */
export const formField = (p: Page, name: RegExp) => p.getByRole('textbox', { name });

/** The rjsf field wrapper (label, input and its errors) around a textbox. */
export const fieldGroup = (p: Page, name: RegExp) => formField(p, name).locator('xpath=ancestor::div[contains(@class, "form-group")][1]');

/** Opens the builder on a new workflow "When a booking is added" with one email action. */
export async function newEmailWorkflow(p: Page, base: string, name: string): Promise<void> {
  await p.goto(`${base}/#/workflows/new`);
  await p.getByRole('heading', { name: 'New workflow' }).waitFor();
  await p.getByLabel('Name', { exact: true }).fill(name);
  await p.getByLabel('Trigger', { exact: true }).selectOption('booking.created');
  await p.getByRole('button', { name: 'Add an action' }).click();
  await p.getByRole('button', { name: /^Send an email/ }).click();
}
