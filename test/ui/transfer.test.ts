// Exporting the workflows as a file and importing one (admin UI): all or nothing, switched off, secrets shown once.
import { expect } from 'chai';
import fs from 'node:fs';
import { signIn } from './browser.js';
import { uiSuite } from './setup.js';

describe('Workflow export and import (admin UI, headless Chromium)', function () {
  const t = uiSuite();

  it('downloads the workflows as JSON, and imports a file switched off, showing the new signing secret once', async () => {
    const { app, c, page } = t;
    expect((await c.post('/api/workflows', { name: 'To export', trigger: { type: 'customer.created' }, actions: [] })).status).to.equal(201);
    await signIn(page, app.url, c.key!);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export workflows' }).click()]);
    const exported = JSON.parse(fs.readFileSync((await download.path())!, 'utf8'));
    expect(download.suggestedFilename()).to.equal('bookflow-workflows-ui.json');
    expect(exported.format).to.equal('bookflow.workflows/1');
    expect(exported.workflows.map((w: { name: string }) => w.name)).to.include('To export');

    const file = page.getByLabel('Workflows file to import');
    await file.setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{ not json') });
    const refused = page.getByRole('alert').filter({ hasText: 'The workflows were not imported' });
    await refused.waitFor();
    // not "not a JSON file": it is one, with an error at a place the message names
    expect(await refused.innerText()).to.include('broken.json is not valid JSON: ').and.match(/position 2|line 1 column 3/);
    // a file the server refuses says which workflow and which field of it
    const unfit = { format: 'bookflow.workflows/1', workflows: [{ name: 'Fine', trigger: { type: 'booking.created' } }, { name: 'Odd', trigger: { type: 'booking.created' }, colour: 'red' }] };
    await file.setInputFiles({ name: 'unfit.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(unfit)) });
    await page.locator('.field-errors', { hasText: '/workflows/1/colour' }).waitFor();

    const incoming = {
      format: 'bookflow.workflows/1',
      workflows: [{ name: 'Imported hook', trigger: { type: 'booking.created' }, actions: [{ type: 'webhook', config: { url: 'https://crm.example.com/in' } }] }],
    };
    await file.setInputFiles({ name: 'in.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(incoming)) });
    await page.getByText('Imported 1 workflow, switched off').waitFor();
    const secrets = page.getByRole('dialog', { name: 'Copy your webhook signing secret' });
    expect(await secrets.locator('.secret-value').innerText()).to.match(/^whsec_/);
    expect(await secrets.innerText()).to.include('Imported hook');
    await secrets.getByRole('button', { name: /^Copy the signing secret/ }).click();
    await secrets.getByRole('status').getByText('Copied').waitFor();
    await secrets.getByRole('button', { name: 'I have copied it' }).click();
    const row = page.locator('.wf-row', { hasText: 'Imported hook' });
    await row.waitFor();
    expect(await row.getByRole('switch').getAttribute('aria-checked')).to.equal('false');
  });
});
