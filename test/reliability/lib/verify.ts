// After the storm: wait until Bookflow has nothing left to do, then compare what the receivers got with what the
// committed changes must have caused, and look for runs that will never finish.
import type pg from 'pg';
import { payloadNames } from '../../../src/worker/jobs.js';
import { log, sleep } from './log.js';
import type { Arrival, Channel } from './receivers.js';
import { CHANNELS_BY_KIND } from './scenario.js';

export interface QueueState {
  due: number; locked: number; future: number; dead: number; running: number; undispatched: number; unsent: number; deliveries: number;
}

export async function queueState(pool: pg.Pool): Promise<QueueState> {
  const { rows } = await pool.query(`SELECT
    (SELECT count(*) FROM graphile_worker._private_jobs WHERE locked_at IS NULL AND run_at <= now() AND attempts < max_attempts)::int AS due,
    (SELECT count(*) FROM graphile_worker._private_jobs WHERE locked_at IS NOT NULL)::int AS locked,
    (SELECT count(*) FROM graphile_worker._private_jobs WHERE locked_at IS NULL AND run_at > now() AND attempts < max_attempts)::int AS future,
    (SELECT count(*) FROM graphile_worker._private_jobs WHERE attempts >= max_attempts)::int AS dead,
    (SELECT count(*) FROM runs WHERE status = 'running')::int AS running,
    (SELECT count(*) FROM events WHERE dispatched_at IS NULL)::int AS undispatched,
    (SELECT count(*) FROM messages WHERE status IN ('pending', 'sending'))::int AS unsent,
    (SELECT count(*) FROM webhook_deliveries WHERE status = 'pending')::int AS deliveries`);
  return rows[0];
}

const drained = (q: QueueState) => q.due + q.locked + q.running + q.undispatched + q.unsent + q.deliveries === 0;

/** Waits until no job is due or running, no run is running and nothing is waiting to be sent. Returns how long it took. */
export async function waitDrained(pool: pg.Pool, timeoutMs: number): Promise<{ ms: number; drained: boolean; last: QueueState | null }> {
  const t0 = Date.now();
  let last: QueueState | null = null;
  let lastLog = 0;
  for (;;) {
    try {
      last = await queueState(pool);
      if (drained(last)) return { ms: Date.now() - t0, drained: true, last };
    } catch (err) {
      log(`queue check failed (retrying): ${String(err)}`);
    }
    if (Date.now() - t0 > timeoutMs) return { ms: Date.now() - t0, drained: false, last };
    if (Date.now() - lastLog > 10_000) {
      lastLog = Date.now();
      log(`draining: ${JSON.stringify(last)}`);
    }
    await sleep(500);
  }
}

/** Runs still 'running' with no job left that could finish them. */
export async function stuckRuns(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query(`
    SELECT r.id FROM runs r WHERE r.status = 'running' AND NOT EXISTS (
      SELECT 1 FROM graphile_worker._private_jobs j
      WHERE ${payloadNames('j.payload', 'runId', 'r.id')} AND j.attempts < j.max_attempts)`);
  return rows.map((r) => r.id as string);
}

/** What failed for good: steps, messages, webhook deliveries, jobs out of attempts. */
export async function failures(pool: pg.Pool): Promise<Record<string, number>> {
  const { rows } = await pool.query(`
    SELECT 'step ' || action_type || ' ' || coalesce(error_code, '?') AS what, count(*)::int AS n FROM run_steps WHERE status = 'failed' GROUP BY 1
    UNION ALL SELECT 'message ' || channel || ' ' || coalesce(split_part(last_error, ':', 1), '?'), count(*)::int FROM messages WHERE status = 'failed' GROUP BY 1
    UNION ALL SELECT 'delivery ' || coalesce(split_part(last_error, ':', 1), '?'), count(*)::int FROM webhook_deliveries WHERE status = 'failed' GROUP BY 1
    UNION ALL SELECT 'job ' || t.identifier, count(*)::int FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
      WHERE j.attempts >= j.max_attempts GROUP BY 1`);
  return Object.fromEntries(rows.map((r) => [r.what, r.n]));
}

/**
 * Messages Bookflow withheld on purpose, as `channel|kind|booking` items: an email or SMS about a booking made
 * (`created`) that was still to be sent (a retry after a disruption) when the booking was cancelled; its step records
 * `skipped:stale:booking_cancelled` (a trigger's stillHolds). Only where the booking is cancelled now.
 */
export async function withheld(pool: pg.Pool): Promise<Set<string>> {
  const { rows } = await pool.query(`
    SELECT s.action_type AS channel, r.booking_id FROM run_steps s
    JOIN runs r ON r.tenant_id = s.tenant_id AND r.id = s.run_id
    JOIN bookings b ON b.tenant_id = r.tenant_id AND b.id = r.booking_id
    WHERE s.status = 'skipped' AND s.outcome = 'skipped:stale:booking_cancelled' AND r.trigger_type = 'booking.created'
      AND s.action_type IN ('email', 'sms') AND b.status = 'cancelled'`);
  return new Set(rows.map((r) => `${r.channel}|created|${r.booking_id}`));
}

export interface ChannelTally {
  expected: number;
  arrived: number;
  lost: number;
  /** Expected, not sent, and recorded as withheld on purpose (see `withheld`). */
  withheld: number;
  /** The same dedupe key received again (a resend after a crash: the receiver can tell). */
  redelivered: number;
  /** More than one key for one expected message (a second message: nobody can tell). */
  doubled: number;
  unexpected: number;
  unverified: number;
  /** Arrival time of the first copy of every redelivered key. */
  redeliveredAt: number[];
}

export interface Comparison {
  byChannel: Record<Channel, ChannelTally>;
  lostSamples: string[];
  unexpectedSamples: string[];
}

/** Expected messages from the ledger against the arrivals, per channel. */
export function compare(ledger: Map<string, string[]>, arrivals: Arrival[], held: Set<string> = new Set()): Comparison {
  const channels: Channel[] = ['email', 'sms', 'webhook', 'subscription'];
  const tally = (): ChannelTally => ({ expected: 0, arrived: 0, lost: 0, withheld: 0, redelivered: 0, doubled: 0, unexpected: 0, unverified: 0, redeliveredAt: [] });
  const byChannel = Object.fromEntries(channels.map((c) => [c, tally()])) as Record<Channel, ChannelTally>;
  const want = new Set<string>();
  for (const [bookingId, kinds] of ledger) {
    for (const kind of kinds) {
      for (const ch of CHANNELS_BY_KIND[kind.split(':')[0] as keyof typeof CHANNELS_BY_KIND]) {
        want.add(`${ch}|${kind}|${bookingId}`);
        byChannel[ch as Channel].expected++;
      }
    }
  }
  const got = new Map<string, Map<string, Arrival[]>>();
  for (const a of arrivals) {
    if (!a.verified) byChannel[a.channel].unverified++;
    const item = `${a.channel}|${a.kind}|${a.bookingId}`;
    const keys = got.get(item) ?? new Map<string, Arrival[]>();
    keys.set(a.key, [...(keys.get(a.key) ?? []), a]);
    got.set(item, keys);
  }
  const lostSamples: string[] = [];
  const unexpectedSamples: string[] = [];
  for (const item of want) {
    const ch = item.split('|')[0] as Channel;
    const keys = got.get(item);
    if (!keys && held.has(item)) {
      byChannel[ch].withheld++;
      continue;
    }
    if (!keys) {
      byChannel[ch].lost++;
      if (lostSamples.length < 10) lostSamples.push(item);
      continue;
    }
    byChannel[ch].arrived++;
    byChannel[ch].doubled += keys.size - 1;
    for (const copies of keys.values()) {
      if (copies.length > 1) {
        byChannel[ch].redelivered += copies.length - 1;
        byChannel[ch].redeliveredAt.push(Math.min(...copies.map((c) => c.at)));
      }
    }
  }
  for (const [item, keys] of got) {
    if (want.has(item)) continue;
    const ch = item.split('|')[0] as Channel;
    byChannel[ch].unexpected += keys.size;
    if (unexpectedSamples.length < 10) unexpectedSamples.push(item);
  }
  return { byChannel, lostSamples, unexpectedSamples };
}

export interface Disruption { from: number; to: number }

/**
 * For each resent message, how long before the disruption its first copy went out (ms; negative: while the database
 * was down), or null when no disruption was under way or followed within `windowMs`.
 */
export function disruptionNear(firstAt: number[], disruptions: Disruption[], windowMs: number): (number | null)[] {
  return firstAt.map((t) => {
    const d = disruptions.find((x) => t >= x.from - windowMs && t <= x.to + 50);
    return d ? d.from - t : null;
  });
}
