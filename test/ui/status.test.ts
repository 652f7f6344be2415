// The banner that says workflows are held back: shown on every screen while no worker runs, gone once one does.
import { expect } from 'chai';
import { signIn } from './browser.js';
import { uiSuite } from './setup.js';

describe('Held-back banner (admin UI, headless Chromium)', function () {
  const t = uiSuite({ worker: false });

  it('says no worker is running, on every screen, until one runs', async () => {
    const { app, c, page } = t;
    await signIn(page, app.url, c.key!);
    const banner = page.getByRole('status').filter({ hasText: 'Messages are held back' });
    await banner.waitFor();
    expect(await banner.innerText()).to.include('No worker is running').and.include('bookflow worker');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Bookings' }).click();
    await page.getByRole('heading', { level: 1, name: 'Bookings' }).waitFor();
    expect(await banner.count()).to.equal(1);

    await app.startWorker(); // stopped with the app
    let shown = 1;
    for (let i = 0; i < 20 && shown; i++) { // until its first heartbeat is in
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Bookings' }).waitFor();
      await page.waitForLoadState('networkidle');
      shown = await banner.count();
    }
    expect(shown, 'gone with a worker running').to.equal(0);
  });
});
