// The summary line both chaos suites end with, and the rule for calling a resend "explained".
import type { Verdict } from './harness.js';
import { nearestDisruption } from './verify.js';
import type { Channel } from './receivers.js';

/**
 * A message resent with the same id is explained when a disruption (a SIGKILL, a database stop) came right after its
 * first copy went out: the provider had accepted it, and the process died (or lost the database) before it could
 * record the send, so the claim expired and another attempt sent it again. That is at-least-once delivery at work;
 * email and webhook receivers drop the copy by its Message-ID / webhook-id, an SMS recipient sees it twice.
 */
export const EXPLAIN_WINDOW_MS = 3000;

export interface Duplicates { text: string; unexplained: number }

export function duplicates(v: Verdict, ch: Channel, noun: string, keyName: string, disruptions: number[]): Duplicates {
  const t = v.cmp.byChannel[ch];
  const near = nearestDisruption(t.redeliveredAt, disruptions);
  const explained = near.filter((ms) => ms !== null && ms <= EXPLAIN_WINDOW_MS);
  const unexplained = t.redelivered - explained.length + t.doubled;
  let text = `${t.redelivered + t.doubled} duplicate ${noun}`;
  if (t.redelivered + t.doubled > 0) {
    const parts = [];
    if (t.redelivered) {
      parts.push(`${t.redelivered} resent with the same ${keyName}, ${explained.length} of them sent within ${EXPLAIN_WINDOW_MS / 1000} s before a `
        + `disruption (max ${Math.max(0, ...explained.map(Number))} ms): provider accepted, process gone before the send was recorded`);
    }
    if (t.doubled) parts.push(`${t.doubled} with a second ${keyName} (a real double send)`);
    text += ` (${parts.join('; ')})`;
  }
  return { text, unexplained };
}

export function summaryLine(o: { name: string; head: string[]; v: Verdict; disruptions: number[]; extraFailures?: string[] }): { line: string; pass: boolean } {
  const { v } = o;
  const dups = [
    duplicates(v, 'email', 'emails', 'Message-ID', o.disruptions),
    duplicates(v, 'webhook', 'webhooks (workflow action)', 'webhook-id', o.disruptions),
    duplicates(v, 'subscription', 'webhooks (subscription)', 'webhook-id', o.disruptions),
    duplicates(v, 'sms', 'SMS', 'outbox id', o.disruptions),
  ];
  const expected = Object.values(v.cmp.byChannel).reduce((s, t) => s + t.expected, 0);
  const unexpected = Object.values(v.cmp.byChannel).reduce((s, t) => s + t.unexpected, 0);
  const unverified = Object.values(v.cmp.byChannel).reduce((s, t) => s + t.unverified, 0);
  const problems = [
    ...(v.lost ? [`${v.lost} lost`] : []),
    ...(unexpected ? [`${unexpected} unexpected messages`] : []),
    ...(unverified ? [`${unverified} webhooks failed signature checks`] : []),
    ...(v.stuck.length ? [`${v.stuck.length} stuck runs`] : []),
    ...(v.drained ? [] : ['queue not drained']),
    ...dups.filter((d) => d.unexplained > 0).map((d) => `unexplained duplicates: ${d.text}`),
    ...(o.extraFailures ?? []),
  ];
  const pass = problems.length === 0;
  const line = `SUMMARY ${o.name}: ${[
    ...o.head,
    `${expected} messages expected, ${v.lost} lost`,
    ...dups.map((d) => d.text),
    `${v.stuck.length} stuck runs`,
    `queue drained ${(v.drainMs / 1000).toFixed(0)} s after the stream`,
  ].join(', ')} — ${pass ? 'PASS' : `FAIL (${problems.join('; ')})`}`;
  return { line, pass };
}
