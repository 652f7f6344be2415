// The summary line both chaos suites end with, and the rule for calling a resend "explained".
import type { Verdict } from './harness.js';
import type { Channel } from './receivers.js';
import { disruptionNear, type Disruption } from './verify.js';

/**
 * A message resent with the same id is explained when its first copy went out at most this long before a disruption
 * (a SIGKILL, a database stop) or while it lasted: the receiver had accepted it, and the sender lost its process (or
 * its database) before it could record the send, so the send claim expired and a later attempt sent it again. That is
 * at-least-once delivery at work: email and webhook receivers drop the copy by its Message-ID / webhook-id; an SMS
 * recipient sees it twice (Twilio has no idempotency key).
 */
export const EXPLAIN_WINDOW_MS = 3000;

const CHANNELS: [Channel, string][] = [['email', 'email'], ['webhook', 'webhook action'], ['subscription', 'webhook subscription'], ['sms', 'SMS']];

export function summaryLine(o: { name: string; head: string[]; v: Verdict; disruptions: Disruption[]; extraFailures?: string[] }): { line: string; pass: boolean } {
  const { v } = o;
  const all = Object.values(v.cmp.byChannel);
  const sum = (f: (t: (typeof all)[number]) => number) => all.reduce((s, t) => s + f(t), 0);
  let resent = 0;
  let explained = 0;
  const perChannel = CHANNELS.map(([ch, label]) => {
    const t = v.cmp.byChannel[ch];
    resent += t.redelivered;
    explained += disruptionNear(t.redeliveredAt, o.disruptions, EXPLAIN_WINDOW_MS).filter((ms) => ms !== null).length;
    return `${label} ${t.redelivered}`;
  });
  const doubled = sum((t) => t.doubled);
  const unexpected = sum((t) => t.unexpected);
  const unverified = sum((t) => t.unverified);
  const problems = [
    ...(v.lost ? [`${v.lost} lost, e.g. ${v.cmp.lostSamples.slice(0, 3).join(', ')}`] : []),
    ...(doubled ? [`${doubled} messages sent twice under two ids`] : []),
    ...(resent > explained ? [`${resent - explained} resends not explained by a disruption`] : []),
    ...(unexpected ? [`${unexpected} messages nobody expected, e.g. ${v.cmp.unexpectedSamples.slice(0, 3).join(', ')}`] : []),
    ...(unverified ? [`${unverified} webhooks failed signature checks`] : []),
    ...(v.stuck.length ? [`${v.stuck.length} stuck runs`] : []),
    ...(v.drained ? [] : [`queue not drained: ${JSON.stringify(v.queue)}`]),
    ...(o.extraFailures ?? []),
  ];
  const pass = problems.length === 0;
  const dupes = resent === 0 ? '0 duplicates' : `duplicates by dedupe key: ${perChannel.join(', ')} — ${explained} of ${resent} explained `
    + `(first copy accepted ≤${EXPLAIN_WINDOW_MS / 1000} s before a disruption or during it, before the send was recorded: `
    + 'receivers drop them by Message-ID/webhook-id; an SMS is looked up at Twilio before a resend, so an SMS counted here got past that lookup)';
  const line = `SUMMARY ${o.name}: ${[
    ...o.head,
    `${sum((t) => t.expected)} messages expected, ${v.lost} lost`
      + (sum((t) => t.withheld) ? ` (${sum((t) => t.withheld)} withheld on purpose: the booking was cancelled before its message could go out)` : ''),
    dupes,
    `${doubled} sent twice under a new id`,
    `${v.stuck.length} stuck runs`,
    v.drained ? `queue drained ${(v.drainMs / 1000).toFixed(0)} s after the stream` : 'queue NOT drained',
  ].join(', ')} — ${pass ? 'PASS' : `FAIL (${problems.join('; ')})`}`;
  return { line, pass };
}
