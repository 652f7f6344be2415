// Issue 4: from the commit that frees a seat to (1) the offer being stored and (2) the offer email being accepted by
// a local SMTP server (test/helpers/smtp.ts), over 1,000 cancellations with 10 waiting entries each, through the
// default workflows ("Fill a freed slot", "Offer to customer") and a running worker.
//
// Cancellations come at a steady rate (BENCH_CANCEL_RATE per second), each of a different full slot. Timing:
//  - freed: setBookingStatus resolved (its transaction committed);
//  - offer stored: a NOTIFY sent by a trigger this bench puts on waitlist_entries (and removes), delivered by
//    Postgres when the offering transaction commits;
//  - email accepted: the SMTP server has read, parsed and accepted the message.
import pg from 'pg';
import { rows } from '../../src/db/sql.js';
import { setBookingStatus } from '../../src/domain/bookings.js';
import { startSmtpServer } from '../helpers/smtp.js';
import { analyze, drained, perSecond, sleep, summary, until, type Bench } from './env.js';
import { benchTenant } from './fixtures.js';

const CHANNEL = 'bench_offer_stored';

export async function waitlistLatency(b: Bench, opts: { cancellations: number; waiting: number; ratePerSecond: number }) {
  const tenantId = 'bench-wl';
  const n = opts.cancellations;
  await benchTenant(b.ds, tenantId, { resources: n, customers: n + n * opts.waiting });
  // Slot i: resource r-(i+1), two days ahead, full with one booking by member m-(i+1); members after the first n
  // wait for it, each with a distinct score so the offer order is known.
  const start = new Date(Date.now() + 2 * 86_400_000);
  start.setUTCMinutes(0, 0, 0);
  const end = new Date(start.getTime() + 3_600_000);
  await b.ds.query(`
    INSERT INTO bookings (tenant_id, id, customer_id, resource_id, service_id, start_time, end_time, seats, status)
    SELECT $1, 'bk-' || i, 'm-' || i, 'r-' || i, 'svc-1', $3, $4, 1, 'confirmed' FROM generate_series(1, $2::int) i`,
  [tenantId, n, start, end]);
  await b.ds.query(`
    INSERT INTO waitlist_entries (tenant_id, id, location_id, resource_id, customer_id, desired_start, desired_end, seats,
                                  priority_score, score_components, status)
    SELECT $1, 'wl-' || i || '-' || k, 'loc-1', 'r-' || i, 'm-' || ($2::int + (i - 1) * $3::int + k), $4, $5, 1,
           100 + k, jsonb_build_object('base', 100, 'tierBonus', k, 'earlyBird', 0), 'ACTIVE'
    FROM generate_series(1, $2::int) i, generate_series(1, $3::int) k`,
  [tenantId, n, opts.waiting, start, end]);
  await analyze(b.ds);
  // The top entry of slot i (highest score) is k = waiting: its member gets the offer.
  const topMember = (i: number) => n + (i - 1) * opts.waiting + opts.waiting;
  const slotOfEmail = new Map(Array.from({ length: n }, (_, j) => [`m${topMember(j + 1)}@${tenantId}.example`, j + 1]));

  await b.ds.query(`
    CREATE OR REPLACE FUNCTION bench_offer_notify() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN PERFORM pg_notify('${CHANNEL}', NEW.resource_id); RETURN NEW; END $$`);
  await b.ds.query(`
    CREATE TRIGGER bench_offer_stored AFTER UPDATE OF status ON waitlist_entries FOR EACH ROW
    WHEN (NEW.status = 'OFFERED' AND OLD.status IS DISTINCT FROM 'OFFERED' AND NEW.tenant_id = '${tenantId}') EXECUTE FUNCTION bench_offer_notify()`);

  const freedAt = new Map<number, number>();
  const storedAt = new Map<number, number>();
  const emailAt = new Map<number, number>();
  const listener = new pg.Client({ connectionString: b.databaseUrl });
  await listener.connect();
  listener.on('notification', (msg) => {
    const i = Number(String(msg.payload).slice(2));
    if (!storedAt.has(i)) storedAt.set(i, performance.now());
  });
  await listener.query(`LISTEN ${CHANNEL}`);

  const smtp = await startSmtpServer();
  // Observes every accepted message as it arrives (the predicate sees each one); settles, releasing its timer, once
  // every slot's email came.
  void smtp.waitFor((m) => {
    const i = slotOfEmail.get((m.envelopeTo[0] ?? '').toLowerCase());
    if (i !== undefined && !emailAt.has(i)) emailAt.set(i, performance.now());
    return emailAt.size >= n;
  }, 120_000 + (n / opts.ratePerSecond) * 1000).catch(() => undefined);

  const config = b.config({ SMTP_URL: smtp.url, MAIL_FROM: 'Club <club@example.com>' });
  const { tasks, transports } = b.bookflowTasks(config);
  const worker = await b.startWorker(tasks);
  try {
    b.log(`waitlist: ${n} cancellations at ${opts.ratePerSecond}/s, ${opts.waiting} waiting each`);
    const t0 = performance.now();
    const interval = 1000 / opts.ratePerSecond;
    const inFlight: Promise<void>[] = [];
    for (let i = 1; i <= n; i++) {
      const due = t0 + (i - 1) * interval;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      inFlight.push(setBookingStatus(b.ds, { tenantId }, `bk-${i}`, { status: 'cancelled', reason: 'bench' }).then(() => {
        freedAt.set(i, performance.now());
      }));
    }
    await Promise.all(inFlight);
    const sentMs = performance.now() - t0;
    await until(async () => emailAt.size >= n, { what: 'every offer email', timeoutMs: 120_000 }).catch((err: Error) => b.log(err.message));
    await drained(b.ds, { what: 'the waitlist jobs', timeoutMs: 120_000 });
    const stored: number[] = [];
    const emailed: number[] = [];
    for (const [i, freed] of freedAt) {
      if (storedAt.has(i)) stored.push(storedAt.get(i)! - freed);
      if (emailAt.has(i)) emailed.push(emailAt.get(i)! - freed);
    }
    const [offers] = await rows<{ n: number }>(b.ds, "SELECT count(*)::int AS n FROM waitlist_entries WHERE tenant_id = $1 AND status = 'OFFERED'", [tenantId]);
    return {
      cancellations: n, waitingPerSlot: opts.waiting, ratePerSecond: opts.ratePerSecond,
      achievedRatePerSecond: perSecond(n, sentMs), offersStored: offers.n, emailsAccepted: emailAt.size,
      offerStoredMs: summary(stored), emailAcceptedMs: summary(emailed),
    };
  } finally {
    await worker.stop();
    await transports.mailer.close();
    await listener.end();
    await smtp.close();
    await b.ds.query('DROP TRIGGER IF EXISTS bench_offer_stored ON waitlist_entries');
    await b.ds.query('DROP FUNCTION IF EXISTS bench_offer_notify()');
  }
}
