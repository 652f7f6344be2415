// GET /api/status: whether workers run, how late this tenant's work is, and whether messages go out.
import { expect } from 'chai';
import { startTestApp, type TestApp } from '../helpers/app.js';
import type { Client } from '../helpers/client.js';
import { eventually } from '../helpers/engine.js';
import { booking, inHours, seedCatalog } from '../helpers/fixtures.js';

describe('service status for the admin', () => {
  let app: TestApp;
  let c: Client;
  before(async () => {
    app = await startTestApp({ worker: false });
    c = await app.tenant('t-status');
    await seedCatalog(c);
  });
  after(async () => { await app.stop(); });

  it('says no worker runs and this tenant\'s work waits; then a worker starts and the queue empties', async () => {
    const idle = (await c.get('/api/status')).body;
    expect(idle.workers).to.deep.equal({ running: 0, lastSeen: null });
    expect(idle.delivery).to.deep.equal({ email: false, sms: false }); // no SMTP_URL, no TWILIO_*: kept in the outbox
    const other = await app.tenant('t-status-other');
    const dueOf = async (client: Client) => (await client.get('/api/status')).body.queue.due as number;
    const [mine, theirs] = [await dueOf(c), await dueOf(other)];
    expect((await c.post('/api/bookings', booking({ startTime: inHours(30), endTime: inHours(31) }))).status).to.equal(201);
    const waiting = (await c.get('/api/status')).body;
    expect(waiting.queue.due, 'the booking\'s dispatch job').to.equal(mine + 1);
    expect(waiting.queue.oldestDueSeconds).to.be.a('number').and.at.least(0);
    expect(await dueOf(other), 'another tenant\'s work is not counted').to.equal(theirs);

    await app.startWorker(); // stopped with the app
    const running = await eventually(async () => { const s = (await c.get('/api/status')).body; return s.workers.running > 0 && s.queue.due === 0 ? s : null; });
    expect(running.workers.lastSeen).to.be.a('string');
    expect(running.workers.running, 'one process, though it beats for each of its pools').to.equal(1);
    expect(running.queue.oldestDueSeconds).to.equal(null);
  });

  it('is for tenant admins', async () => {
    const appKey = (await c.post('/api/keys', { role: 'app' })).body.secret;
    expect((await app.client(appKey).get('/api/status')).status).to.equal(403);
    expect((await app.anon.get('/api/status')).status).to.equal(401);
  });
});
