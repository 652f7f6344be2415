// Words and dates for people: statuses, run reasons, filters and actions in words, times in the tenant's zone.
import type { ActionInfo, ActionStep, Filters } from './types';

export const STATUSES = ['pending', 'confirmed', 'declined', 'cancelled', 'not_taken', 'completed'];

/** "not_taken" -> "Not taken", "booking.status_changed" stays as is elsewhere. */
export const humanize = (s: string): string => {
  const words = s.replace(/[_.-]+/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').trim().toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

const LANGUAGE_NAMES = (() => {
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' });
  } catch {
    return null;
  }
})();

export function languageName(tag: string): string {
  try {
    const n = LANGUAGE_NAMES?.of(tag);
    return n && n !== tag ? `${n} (${tag})` : tag;
  } catch {
    return tag;
  }
}

export function formatDateTime(iso: string | null | undefined, timeZone?: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  try {
    return new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(d);
  } catch {
    return d.toLocaleString('en-GB');
  }
}

export function formatRange(start: string, end: string, timeZone?: string): string {
  const s = new Date(start);
  const e = new Date(end);
  try {
    const day = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone }).format(s);
    const t = new Intl.DateTimeFormat('en-GB', { timeStyle: 'short', timeZone });
    return `${day}, ${t.format(s)}–${t.format(e)}`;
  } catch {
    return `${start} – ${end}`;
  }
}

export function timeAgo(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const diff = (new Date(iso).getTime() - now) / 1000;
  const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  const abs = Math.abs(diff);
  if (abs < 45) return 'just now';
  if (abs < 3600) return rtf.format(Math.round(diff / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(diff / 3600), 'hour');
  if (abs < 86400 * 30) return rtf.format(Math.round(diff / 86400), 'day');
  return formatDateTime(iso);
}

/** Why a run was skipped, in words. Unknown codes are shown as they are. */
export function reasonText(reason: string | null | undefined): string {
  if (!reason) return '';
  const [kind, detail] = reason.split(':');
  const known: Record<string, string> = {
    'filter:status': 'The booking\'s status is not one this workflow runs for',
    'filter:location': 'The booking is at a location this workflow does not cover',
    'filter:service': 'The booking\'s service is not in this workflow\'s filter',
    'filter:resource': 'The booking\'s resource is not in this workflow\'s filter',
    'filter:language': 'The booking\'s language is not in this workflow\'s filter',
    'late:skip': 'Its time had already passed (late policy: skip)',
    'late:too_late': 'Too late to send: the booking had already begun',
    'late:worker_down': 'Not sent: it came due while no worker was running, and would have been too late',
    'stale:already_ran': 'Already sent for this booking at this time (the workflow\'s timing was edited since)',
    'trigger:no_match': 'The trigger\'s settings did not match this event',
    'loop:depth': 'Stopped: workflows were triggering each other in a chain',
    'workflow:disabled': 'The workflow was disabled',
    disabled: 'The workflow is switched off',
    optout: 'The customer has opted out of messages on this channel',
    no_address: 'The recipient has no address for this channel',
    'stale:offer_closed': 'The offer had closed (answered, expired or cancelled) before this message could go out',
    'stale:workflow_deleted': 'The workflow was deleted',
    'stale:booking_deleted': 'The booking was deleted',
  };
  if (known[reason]) return known[reason];
  if (reason.startsWith('stale:booking_')) return `The booking is ${humanize(reason.slice('stale:booking_'.length)).toLowerCase()} now: a message about it would be out of date`;
  if (kind === 'stale') return `Nothing sent: the booking changed since this was scheduled (${humanize(detail ?? '')})`;
  if (kind === 'filter') return `Filtered out by ${humanize(detail ?? 'a filter')}`;
  return reason;
}

export type Tone = 'neutral' | 'success' | 'warning' | 'danger' | 'info' | 'accent';

export function statusTone(status: string | null | undefined): Tone {
  switch (status) {
    case 'succeeded': case 'sent': case 'delivered': case 'confirmed': case 'completed': case 'ran': case 'would_run': case 'would_send':
      return 'success';
    case 'failed': case 'undelivered': case 'declined':
      return 'danger';
    case 'running': case 'pending':
      return 'info';
    case 'captured': case 'skipped': case 'would_skip': case 'not_taken':
      return 'warning';
    case 'cancelled':
      return 'neutral';
    default:
      return status?.startsWith('skipped') ? 'warning' : 'neutral';
  }
}

export function filtersInWords(f: Filters, name: (kind: 'location' | 'service' | 'resource', id: string) => string): string[] {
  const parts: string[] = [];
  const list = (ids: string[], kind: 'location' | 'service' | 'resource') => ids.map((id) => name(kind, id)).join(', ');
  if (f.locationIds?.length) parts.push(`at ${list(f.locationIds, 'location')}`);
  if (f.serviceIds?.length) parts.push(`for ${list(f.serviceIds, 'service')}`);
  if (f.resourceIds?.length) parts.push(`with ${list(f.resourceIds, 'resource')}`);
  if (f.statuses?.length) parts.push(`when ${f.statuses.map((s) => humanize(s).toLowerCase()).join(' or ')}`);
  if (f.languages?.length) parts.push(`in ${f.languages.join(', ')}`);
  return parts;
}

/** An action step in words: "Send an email to the customer". Uses the catalog title and common config fields. */
export function actionInWords(step: ActionStep, info: ActionInfo | undefined): string {
  const title = info?.title ?? humanize(step.type);
  const c = step.config ?? {};
  const to = typeof c.to === 'string' ? c.to : null;
  if (to === 'fixed') return `${title} to ${String(c.address ?? c.phone ?? 'a fixed address')}`;
  if (to) return `${title} to the ${to}`;
  if (typeof c.status === 'string') return `${title}: ${humanize(c.status).toLowerCase()}`;
  if (typeof c.url === 'string') return `${title}: ${c.url}`;
  return title;
}

/** A Date as the value of <input type="datetime-local"> (the browser's local time, to the minute). */
export function localInput(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** An instant as the value of <input type="datetime-local"> at the wall clock of `timeZone` (zonedToIso's inverse). */
export function zonedInput(d: Date, timeZone: string): string {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
  }).formatToParts(d).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

/** The UTC offset (ms) of `timeZone` at the instant `t`. */
function zoneOffset(t: number, timeZone: string): number {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(t)).map((p) => [p.type, p.value]));
  const wall = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
  return wall - Math.floor(t / 1000) * 1000;
}

/**
 * A wall-clock time ("2026-03-29T02:30", as <input type="datetime-local"> gives it) in `timeZone`, as an ISO
 * instant: a booking at 10:00 in Oslo is 10:00 in Oslo, whatever the browser's zone. A time that does not exist
 * (skipped by a DST change) moves forward by the gap, as clocks do.
 */
export function zonedToIso(local: string, timeZone: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local);
  if (!m) throw new Error(`not a date and time: ${local}`);
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
  let t = wall - zoneOffset(wall, timeZone);
  t = wall - zoneOffset(t, timeZone); // once more: the offset at the instant itself (near a DST change)
  return new Date(t).toISOString();
}
