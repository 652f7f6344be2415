// Layout papercuts, measured: controls that belong on one line are on one line, centred on each other.
import { expect } from 'chai';
import type { Locator } from 'playwright-core';
import { signIn } from './browser.js';
import { inDays, plusHour, uiSuite } from './setup.js';

type Box = { x: number; y: number; width: number; height: number };
const box = async (l: Locator): Promise<Box> => {
  const b = await l.boundingBox();
  if (!b) throw new Error(`${l} is not on the page`);
  return b;
};
const middle = (b: Box) => b.y + b.height / 2;

describe('Layout (admin UI, headless Chromium)', function () {
  const t = uiSuite();

  it('trigger status pills: each checkbox sits centred beside its name', async () => {
    const { app, c, page } = t;
    await signIn(page, app.url, c.key!);
    await page.goto(`${app.url}/#/workflows/new`);
    await page.getByLabel('Trigger', { exact: true }).selectOption('booking.status_changed');
    const check = page.getByRole('checkbox', { name: 'Cancelled' }).first(); // "From status", rjsf's checkboxes
    await check.waitFor();
    const [cb, text, pill] = [await box(check), await box(check.locator('xpath=following-sibling::span[1]')), await box(check.locator('xpath=ancestor::label[1]'))];
    expect(Math.abs(middle(cb) - middle(text)), 'checkbox and name centred on one line').to.be.at.most(2);
    expect(text.x - (cb.x + cb.width), 'a gap between checkbox and name').to.be.at.least(4);
    expect(cb.x - pill.x, 'the checkbox is inside the pill, not on its edge').to.be.at.least(6);
  });

  it('workflow cards: the trigger icon stays beside a long trigger text, on a phone too', async () => {
    const { app, c, page } = t;
    expect((await c.post('/api/workflows', {
      name: 'Cancellation notice', trigger: { type: 'booking.status_changed', config: { from: ['pending', 'confirmed'], to: ['cancelled', 'declined'] } },
      filters: { locationIds: ['oslo', 'bergen'] }, actions: [],
    })).status).to.equal(201);
    await signIn(page, app.url, c.key!);
    for (const width of [1366, 390]) {
      await page.setViewportSize({ width, height: 844 });
      const when = page.locator('.wf-row', { hasText: 'Cancellation notice' }).locator('.wf-when');
      await when.waitFor();
      const [icon, text] = [await box(when.locator('svg')), await box(when.locator('> span'))];
      expect(icon.x + icon.width, `${width} px: the icon is left of the text, not above it`).to.be.at.most(text.x);
      expect(icon.y, `${width} px: level with the first line`).to.be.within(text.y, text.y + 10);
    }
  });

  it('waiting-list settings: the on/off pill is on one line, its help text under it', async () => {
    const { app, c, page } = t;
    await signIn(page, app.url, c.key!);
    await page.goto(`${app.url}/#/settings`);
    const on = page.getByRole('region', { name: 'Waiting list' }).getByRole('checkbox').first();
    await on.waitFor();
    const pill = await box(on.locator('xpath=ancestor::label[1]'));
    const help = await box(on.locator('xpath=ancestor::div[contains(@class, "checkbox")][1]').locator('.field-description'));
    expect(pill.height, 'the pill is one line high').to.be.below(40);
    expect(help.y, 'the help text comes after the control').to.be.at.least(pill.y + pill.height - 1);
  });

  it('waiting-list rows: Offer/Expire, Cancel and Why? line up down the queue', async () => {
    const { app, c, page } = t;
    const start = inDays(9, 12);
    const held = await c.post('/api/bookings', { customerId: 'per', resourceId: 'court-2', startTime: start, endTime: plusHour(start) });
    for (const memberId of ['anna', 'ola']) {
      const r = await c.post('/api/facility-waitlist', { clubId: 'bergen', resourceId: 'court-2', memberId, desiredStart: start, desiredEnd: plusHour(start) });
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
    }
    expect((await c.post(`/api/bookings/${held.body.id}/status`, { status: 'cancelled' })).status).to.equal(200);
    await signIn(page, app.url, c.key!);
    await page.goto(`${app.url}/#/waitlist`);
    const slot = page.locator('.slot', { hasText: 'Ola Nilsen' });
    await slot.getByRole('button', { name: 'Expire the offer to Anna Berg' }).waitFor({ timeout: 20_000 }); // Anna got the freed seat
    const first = [await box(slot.getByRole('button', { name: /^Expire the offer to Anna/ })), await box(slot.getByRole('button', { name: /^Offer the slot to Ola/ }))];
    const cancel = [await box(slot.getByRole('button', { name: /^Cancel the entry of Anna/ })), await box(slot.getByRole('button', { name: /^Cancel the entry of Ola/ }))];
    const why = [await box(slot.getByRole('button', { name: /^Why is Anna/ })), await box(slot.getByRole('button', { name: /^Why is Ola/ }))];
    expect(first[0].x, 'Expire and Offer start at one x').to.be.closeTo(first[1].x, 0.5);
    expect(first[0].width, 'Expire and Offer are as wide').to.be.closeTo(first[1].width, 0.5);
    expect(cancel[0].x, 'the Cancel buttons line up').to.be.closeTo(cancel[1].x, 0.5);
    expect(why[0].x, 'the Why? buttons line up').to.be.closeTo(why[1].x, 0.5);
    const card = await box(slot);
    expect(card.x + card.width - (why[0].x + why[0].width), 'Why? keeps off the card\'s edge').to.be.at.least(10);
  });

  it('webhook cards: the five buttons on one line, and the switch says On or Off', async () => {
    const { app, c, page } = t;
    const hook = await c.post('/api/webhooks', { url: 'https://crm.invalid/layout', eventTypes: ['booking.created'] });
    expect(hook.status, JSON.stringify(hook.body)).to.equal(201);
    await signIn(page, app.url, c.key!);
    await page.goto(`${app.url}/#/webhooks`);
    const card = page.locator('.wh-row', { hasText: 'https://crm.invalid/layout' });
    await card.waitFor();
    const buttons = card.locator('.wf-tools').locator('a, button');
    expect(await buttons.count()).to.equal(5);
    const rows = new Set<number>();
    for (let i = 0; i < 5; i++) rows.add(Math.round(middle(await box(buttons.nth(i)))));
    expect([...rows], 'Deliveries, Test, Edit, New secret and Delete on one line').to.have.length(1);
    expect(await card.locator('.wf-toggle').innerText()).to.equal('On');
  });
});
