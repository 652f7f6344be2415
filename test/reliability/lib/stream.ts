// The stream of booking changes: creates (a unique slot each, so none is refused), note changes and cancellations,
// at a steady rate from several lanes. Each change that committed is entered in the ledger with the messages it
// must cause. A request that fails without an answer we can trust (network error, 5xx such as 503 while the database
// is down) is counted as refused; the driver then asks the API whether the change committed and repeats it if not.
import type { Client, Res } from '../../helpers/client.js';
import { log, sleep } from './log.js';

export interface StreamOptions {
  client: Client;
  changes: number;
  /** Changes started per second. */
  rate: number;
  /** Lanes: at most this many requests in flight. */
  concurrency: number;
  resources: number;
  customers: number;
  /** Give up on one change after this long without an answer (the database never came back). */
  changeDeadlineMs?: number;
}

export interface StreamResult {
  committed: number;
  byKind: Record<string, number>;
  /** bookingId -> the kinds of change that committed: created, changed:<notes>, cancelled. */
  ledger: Map<string, string[]>;
  /** Requests answered 5xx or not at all (retried). */
  refused: number;
  refusedByStatus: Record<string, number>;
  /** 4xx answers the workload should never get (its slots are unique); each is a failed change. */
  rejected: string[];
  /** Changes given up on (no answer within changeDeadlineMs). */
  abandoned: number;
  latenciesMs: number[];
  durationMs: number;
}

interface Booking { id: string; status: 'confirmed' | 'cancelled'; notes: number }

export async function runStream(o: StreamOptions, progress?: (done: number) => void): Promise<StreamResult> {
  const r: StreamResult = {
    committed: 0, byKind: {}, ledger: new Map(), refused: 0, refusedByStatus: {}, rejected: [], abandoned: 0, latenciesMs: [], durationMs: 0,
  };
  const idle: Booking[] = [];
  const runId = Date.now().toString(36);
  const base = Date.UTC(new Date().getUTCFullYear() + 1, 0, 5, 6); // next year: no reminder or lead time applies
  let next = 0;
  let created = 0;
  const t0 = Date.now();
  const deadline = o.changeDeadlineMs ?? 300_000;

  /** One request; a 5xx or a network error is counted and returned as null. */
  async function send(method: string, path: string, body?: unknown): Promise<Res | null> {
    const started = Date.now();
    try {
      const res = await o.client.request(method, path, body);
      r.latenciesMs.push(Date.now() - started);
      if (res.status < 500) return res;
      r.refusedByStatus[res.status] = (r.refusedByStatus[res.status] ?? 0) + 1;
    } catch (err) {
      const code = String((err as { cause?: { code?: string } }).cause?.code ?? 'network');
      r.refusedByStatus[code] = (r.refusedByStatus[code] ?? 0) + 1;
    }
    r.refused++;
    return null;
  }

  /** Applies a change until it is known to have committed (or was rejected). */
  async function change(kind: string, bookingId: string, apply: () => Promise<Res | null>, committed: (b: any) => boolean): Promise<boolean> {
    const until = Date.now() + deadline;
    let wait = 200;
    for (;;) {
      const res = await apply();
      if (res && res.status < 300) return record(kind, bookingId);
      if (res) {
        // A 4xx after an earlier attempt may mean that attempt committed (ALREADY_EXISTS, INVALID_TRANSITION): ask.
        const now = await send('GET', `/api/bookings/${bookingId}`);
        if (now?.status === 200 && committed(now.body)) return record(kind, bookingId);
        r.rejected.push(`${kind} ${bookingId}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
        return false;
      }
      // No trustworthy answer: did it commit? Ask until the API answers.
      for (;;) {
        if (Date.now() > until) { r.abandoned++; return false; }
        await sleep(wait);
        wait = Math.min(2000, wait * 2);
        const now = await send('GET', `/api/bookings/${bookingId}`);
        if (!now) continue;
        if (now.status === 200 && committed(now.body)) return record(kind, bookingId);
        break; // not committed: apply again
      }
    }
  }

  function record(kind: string, bookingId: string): true {
    r.committed++;
    const family = kind.split(':')[0];
    r.byKind[family] = (r.byKind[family] ?? 0) + 1;
    const list = r.ledger.get(bookingId) ?? [];
    list.push(kind);
    r.ledger.set(bookingId, list);
    if (r.committed % 250 === 0) progress?.(r.committed);
    return true;
  }

  async function one(): Promise<void> {
    const roll = Math.random();
    const pick = idle.length > 20 ? idle.splice(Math.floor(Math.random() * idle.length), 1)[0] : null;
    if (!pick || roll < 0.55) {
      if (pick) idle.push(pick);
      const k = created++;
      const id = `b-${runId}-${k}`;
      const start = new Date(base + Math.floor(k / o.resources) * 3_600_000);
      const body = {
        id, customerId: `c-${k % o.customers}`, resourceId: `r-${k % o.resources}`, serviceId: 's-1',
        startTime: start.toISOString(), endTime: new Date(start.getTime() + 3_600_000).toISOString(),
      };
      if (await change('created', id, () => send('POST', '/api/bookings', body), () => true)) idle.push({ id, status: 'confirmed', notes: 0 });
    } else if (roll < 0.85) {
      const notes = `n${++pick.notes}`;
      await change(`changed:${notes}`, pick.id, () => send('PATCH', `/api/bookings/${pick.id}`, { notes }), (b) => b.notes === notes);
      idle.push(pick);
    } else {
      // cancelled bookings leave the pool: they are final
      await change('cancelled', pick.id, () => send('POST', `/api/bookings/${pick.id}/status`, { status: 'cancelled' }), (b) => b.status === 'cancelled');
    }
  }

  async function lane(): Promise<void> {
    for (;;) {
      const k = next++;
      if (k >= o.changes) return;
      const due = t0 + (k * 1000) / o.rate;
      if (due > Date.now()) await sleep(due - Date.now());
      await one();
    }
  }
  await Promise.all(Array.from({ length: o.concurrency }, lane));
  r.durationMs = Date.now() - t0;
  log(`stream done: ${r.committed} changes committed in ${(r.durationMs / 1000).toFixed(0)} s (${JSON.stringify(r.byKind)}), ${r.refused} refused requests, ${r.rejected.length} rejected, ${r.abandoned} abandoned`);
  return r;
}
