// Loading what a run sees: the booking as it is now (or its last state, once deleted), with its customer,
// resource, location and service, the tenant, and the event. Also the "scope" filters are evaluated against.
import type { Queryable } from '../db/data-source.js';
import { arrayRows, one } from '../db/sql.js';
import type { Booking } from '../domain/bookings.js';
import type { DomainEvent } from '../domain/events.js';
import { toApi } from '../domain/store.js';
import type { RunContext } from './contracts.js';

export interface TenantInfo {
  id: string; name: string; timezone: string; defaultLanguage: string; adminEmail: string | null;
}

export interface TenantRow { id: string; name: string; timezone: string; default_language: string; admin_email: string | null }
export const toTenantInfo = (t: TenantRow): TenantInfo =>
  ({ id: t.id, name: t.name, timezone: t.timezone, defaultLanguage: t.default_language, adminEmail: t.admin_email });

export async function loadTenant(db: Queryable, tenantId: string): Promise<TenantInfo | null> {
  const t = await one<TenantRow>(db, 'SELECT id, name, timezone, default_language, admin_email FROM tenants WHERE id = $1', [tenantId]);
  return t ? toTenantInfo(t) : null;
}

/** The booking an event is about, if any: its subject, or the booking named in its data. */
export function bookingIdOf(event: Pick<DomainEvent, 'subjectType' | 'subjectId' | 'data'>): string | null {
  if (event.subjectType === 'booking') return event.subjectId;
  const d = event.data as { bookingId?: unknown; booking?: { id?: unknown } };
  if (typeof d.booking?.id === 'string') return d.booking.id;
  return typeof d.bookingId === 'string' ? d.bookingId : null;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

const CONTEXT_TABLES = ['booking', 'customer', 'resource', 'location', 'service'] as const;

// The booking, then the rows it names, in one round trip. Each row is looked up by the key a lookup of its own would
// use: the booking row's column when that row exists, else what the event carried ($3..$8, chosen in loadContext).
const CONTEXT_SQL = `
  SELECT b.tenant_id IS NOT NULL AS "#booking", b.*, c.tenant_id IS NOT NULL AS "#customer", c.*,
         r.tenant_id IS NOT NULL AS "#resource", r.*, l.tenant_id IS NOT NULL AS "#location", l.*,
         s.tenant_id IS NOT NULL AS "#service", s.*
  FROM (SELECT 1) one
  LEFT JOIN bookings b ON b.tenant_id = $1 AND b.id = $2::text
  LEFT JOIN customers c ON c.tenant_id = $1 AND c.id = CASE WHEN b.id IS NULL THEN $3::text ELSE coalesce(b.customer_id, $4::text) END
  LEFT JOIN resources r ON r.tenant_id = $1 AND r.id = CASE WHEN b.id IS NULL THEN $5::text ELSE coalesce(b.resource_id, $6::text) END
  LEFT JOIN locations l ON l.tenant_id = $1 AND l.id = coalesce(r.location_id, $7::text)
  LEFT JOIN services s ON s.tenant_id = $1 AND s.id = CASE WHEN b.id IS NULL THEN $8::text ELSE b.service_id END`;

/**
 * Builds the run context. `booking` is the current row when it still exists, else the snapshot the event carried
 * (a deleted booking's last state).
 */
export async function loadContext(db: Queryable, tenant: TenantInfo, src: {
  bookingId?: string | null; event?: DomainEvent | null; eventType?: string;
}): Promise<RunContext> {
  const ev = src.event ?? null;
  const data = (ev?.data ?? {}) as Record<string, any>;
  const snapshot = data.booking && typeof data.booking === 'object' ? data.booking as Partial<Booking> : null;
  // The keys when the booking row is gone (from its snapshot, then the event), and when a column of it is null.
  const { rows: [row], names } = await arrayRows(db, CONTEXT_SQL, [
    tenant.id,
    str(src.bookingId ?? (ev ? bookingIdOf(ev) : null)),
    str(snapshot?.customerId ?? data.customer?.id ?? data.memberId), str(data.customer?.id ?? data.memberId),
    str(snapshot?.resourceId ?? data.resourceId), str(data.resourceId),
    str(data.locationId),
    str(snapshot?.serviceId),
  ]);
  const found: Record<string, Record<string, unknown> | null> = {};
  let current: Record<string, unknown> | null = null;
  names.forEach((name, i) => {
    if (name.startsWith('#')) {
      current = row[i] === true ? {} : null;
      found[name.slice(1)] = current;
    } else if (current) current[name] = row[i];
  });
  const [bookingRow, customerRow, resource, location, service] = CONTEXT_TABLES.map((t) => (found[t] ? toApi<Record<string, unknown>>(found[t]!) : null));
  const booking = (bookingRow ?? snapshot) as Booking | null;
  const customer = customerRow ?? (data.customer ?? null);
  return {
    tenant,
    booking: booking as RunContext['booking'],
    customer,
    resource,
    location,
    service,
    event: { id: ev?.id ?? null, type: ev?.type ?? src.eventType ?? 'moment', occurredAt: ev?.occurredAt ?? new Date().toISOString(), data },
    timezone: (location?.timezone as string | undefined) ?? tenant.timezone,
  };
}

/**
 * Features add what their templates need to a loaded context (the waitlist adds the entry and signed offer links).
 * Enrichers run after loadContext in steps and dry runs, with the base URL links must use.
 */
type Enricher = (db: Queryable, ctx: RunContext, env: { publicUrl: string }) => Promise<void>;
const enrichers: Enricher[] = [];
export function onEnrichContext(e: Enricher): void {
  enrichers.push(e);
}
export async function enrichContext(db: Queryable, ctx: RunContext, env: { publicUrl: string }): Promise<RunContext> {
  for (const e of enrichers) await e(db, ctx, env);
  return ctx;
}

export interface Scope {
  locationId: string | null;
  serviceId: string | null;
  resourceId: string | null;
  status: string | null;
  /** The language messages about this booking use: the booking's, else the customer's, else the tenant default. */
  language: string;
}

export function scopeOf(ctx: RunContext): Scope {
  return {
    locationId: (ctx.location?.id as string | undefined) ?? null,
    serviceId: ctx.booking?.serviceId ?? null,
    resourceId: (ctx.resource?.id as string | undefined) ?? null,
    status: ctx.booking?.status ?? null,
    language: languageOf(ctx),
  };
}

export function languageOf(ctx: RunContext): string {
  return (ctx.booking?.language as string | null | undefined) ?? (ctx.customer?.language as string | null | undefined) ?? ctx.tenant.defaultLanguage;
}
