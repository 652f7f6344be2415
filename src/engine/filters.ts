// Workflow filters, evaluated against the current booking. Each mismatch has a stable reason code that the run
// history shows ("why didn't this customer get a message?").
import type { Scope } from './context.js';
import type { Filters } from './workflow-schema.js';

/** A language filter `en` matches `en` and `en-GB`; `en-GB` matches only `en-GB`. */
export const languageMatches = (wanted: string[], lang: string): boolean =>
  wanted.some((w) => lang.toLowerCase() === w.toLowerCase() || lang.toLowerCase().startsWith(`${w.toLowerCase()}-`));

const excludes = (list: string[], value: string | null): boolean => list.length > 0 && (value === null || !list.includes(value));

/** Location, service and resource: where the workflow applies at all. */
export function scopeReason(f: Filters, s: Scope): string | null {
  if (excludes(f.locationIds, s.locationId)) return 'filter:location';
  if (excludes(f.serviceIds, s.serviceId)) return 'filter:service';
  if (excludes(f.resourceIds, s.resourceId)) return 'filter:resource';
  return null;
}

/** Every filter; `defaultStatuses` applies when the status filter is empty (reminders skip cancelled bookings). */
export function filterReason(f: Filters, s: Scope, defaultStatuses?: string[]): string | null {
  const scope = scopeReason(f, s);
  if (scope) return scope;
  const statuses = f.statuses.length ? f.statuses : defaultStatuses ?? [];
  if (statuses.length && (s.status === null || !statuses.includes(s.status))) return 'filter:status';
  if (f.languages.length && !languageMatches(f.languages, s.language)) return 'filter:language';
  return null;
}
