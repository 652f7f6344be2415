// One driver process of the waitlist race: `clients` concurrent loops, each doing random waitlist and booking
// operations on a few slots of a few resources, as fast as the API answers. Many loops in several processes pick the
// same offered entry, the same booking, the same resource at once: that is the point. It reports what it got.
import { Client, type Res } from '../../helpers/client.js';

export interface DriverConfig {
  urls: string[];
  key: string;
  ops: number;
  clients: number;
  resources: { id: string; capacity: number }[];
  slots: { startTime: string; endTime: string }[];
  members: number;
}

export interface DriverReport {
  /** op -> status/code -> count */
  answers: Record<string, Record<string, number>>;
  /** Answers outside the contract (5xx, 400, network errors), with a sample of each. */
  unexpected: string[];
  /** [entryId, reservationId] of every successful accept: one entry must always get the same reservation. */
  accepts: [string, string][];
  ms: number;
}

const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)];

export async function drive(cfg: DriverConfig): Promise<DriverReport> {
  const report: DriverReport = { answers: {}, unexpected: [], accepts: [], ms: 0 };
  const t0 = Date.now();
  let left = cfg.ops;

  function note(op: string, res: Res | Error): Res | null {
    const label = res instanceof Error ? 'network' : res.status === 409 ? `409 ${res.body?.code}` : String(res.status);
    const byOp = (report.answers[op] ??= {});
    byOp[label] = (byOp[label] ?? 0) + 1;
    const fine = !(res instanceof Error) && (res.status < 300 || res.status === 409);
    if (!fine && report.unexpected.length < 50) {
      report.unexpected.push(`${op}: ${label} ${res instanceof Error ? res.message : JSON.stringify(res.body).slice(0, 300)}`);
    }
    return res instanceof Error ? null : res;
  }

  async function call(c: Client, op: string, method: string, path: string, body?: unknown): Promise<Res | null> {
    return note(op, await c.request(method, path, body).catch((err: Error) => err));
  }

  async function loop(i: number): Promise<void> {
    const c = new Client(cfg.urls[i % cfg.urls.length], cfg.key);
    while (left-- > 0) {
      const r = pick(cfg.resources);
      const slot = pick(cfg.slots);
      const member = `m-${Math.floor(Math.random() * cfg.members)}`;
      const window = `resourceId=${r.id}&from=${encodeURIComponent(slot.startTime)}&to=${encodeURIComponent(slot.endTime)}`;
      const roll = Math.random();
      if (roll < 0.25) {
        const res = await call(c, 'join', 'POST', '/api/facility-waitlist', { clubId: 'l-1', resourceId: r.id, memberId: member, desiredStart: slot.startTime, desiredEnd: slot.endTime });
        // "book it directly", as the answer says: races the offers the freed seat is about to get
        if (res?.body?.code === 'SLOT_AVAILABLE') await call(c, 'book', 'POST', '/api/bookings', { customerId: member, resourceId: r.id, ...slot });
      } else if (roll < 0.35) {
        await call(c, 'book', 'POST', '/api/bookings', { customerId: member, resourceId: r.id, ...slot });
      } else if (roll < 0.50) {
        const list = await call(c, 'list bookings', 'GET', `/api/bookings?${window}&status=confirmed&limit=20`);
        const b = list?.body?.items?.length ? pick(list.body.items as { id: string }[]) : null;
        if (b) await call(c, 'cancel booking', 'POST', `/api/bookings/${b.id}/status`, { status: 'cancelled' });
      } else if (roll < 0.95) {
        const status = roll < 0.88 ? 'OFFERED' : 'ACTIVE';
        const list = await call(c, 'list entries', 'GET', `/api/facility-waitlist?resourceId=${r.id}&status=${status}&limit=20`);
        const e = list?.body?.items?.length ? pick(list.body.items as { id: string }[]) : null;
        if (!e) continue;
        if (roll < 0.75) {
          const res = await call(c, 'accept', 'POST', `/api/facility-waitlist/${e.id}/accept`);
          if (res?.status === 200) report.accepts.push([e.id, res.body.reservation.id]);
        } else if (roll < 0.81) {
          await call(c, 'decline', 'POST', `/api/facility-waitlist/${e.id}/decline`, {});
        } else if (roll < 0.85) {
          await call(c, 'expire', 'POST', `/api/facility-waitlist/${e.id}/expire`);
        } else {
          await call(c, 'cancel entry', 'POST', `/api/facility-waitlist/${e.id}/cancel`, {});
        }
      } else {
        await call(c, 'capacity', 'PATCH', `/api/resources/${r.id}`, { capacity: 1 + Math.floor(Math.random() * 4) });
      }
    }
  }

  await Promise.all(Array.from({ length: cfg.clients }, (_, i) => loop(i)));
  report.ms = Date.now() - t0;
  return report;
}
