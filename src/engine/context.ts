// Loading what a run sees: the booking as it is now (or its last state, once deleted), with its customer,
// resource, location and service, the tenant, and the event. Also the "scope" filters are evaluated against.
import { DataSource } from 'typeorm';
import { coalesce, perDataSource } from '../db/coalesce.js';
import type { Queryable } from '../db/data-source.js';
import { arrayRows, one } from '../db/sql.js';
import type { Booking } from '../domain/bookings.js';
import type { DomainEvent } from '../domain/events.js';
import { apiValue, camel } from '../domain/store.js';
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

// The booking, then the rows it names, for many contexts in one round trip (one row per key, by its ordinal). Each
// row is looked up by the key a lookup of its own would use: the booking row's column when that row exists, else
// what the event carried (k.c1..k.svc, chosen in loadContext). `cols` says which columns of each table to return.
const contextSql = (cols: Record<(typeof CONTEXT_TABLES)[number], string>) => `
  SELECT k.ord, b.tenant_id IS NOT NULL AS "#booking", ${cols.booking}, c.tenant_id IS NOT NULL AS "#customer", ${cols.customer},
         r.tenant_id IS NOT NULL AS "#resource", ${cols.resource}, l.tenant_id IS NOT NULL AS "#location", ${cols.location},
         s.tenant_id IS NOT NULL AS "#service", ${cols.service}
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
       WITH ORDINALITY AS k(t, bid, c1, c2, r1, r2, loc, svc, ord)
  LEFT JOIN bookings b ON b.tenant_id = k.t AND b.id = k.bid
  LEFT JOIN customers c ON c.tenant_id = k.t AND c.id = CASE WHEN b.id IS NULL THEN k.c1 ELSE coalesce(b.customer_id, k.c2) END
  LEFT JOIN resources r ON r.tenant_id = k.t AND r.id = CASE WHEN b.id IS NULL THEN k.r1 ELSE coalesce(b.resource_id, k.r2) END
  LEFT JOIN locations l ON l.tenant_id = k.t AND l.id = coalesce(r.location_id, k.loc)
  LEFT JOIN services s ON s.tenant_id = k.t AND s.id = CASE WHEN b.id IS NULL THEN k.svc ELSE b.service_id END`;

const CONTEXT_SQL = contextSql({ booking: 'b.*', customer: 'c.*', resource: 'r.*', location: 'l.*', service: 's.*' });
/** The same rows with only what scopeOf reads (dispatch needs no more to choose its workflows). */
const SCOPE_SQL = contextSql({ booking: 'b.id, b.service_id, b.status, b.language', customer: 'c.language', resource: 'r.id', location: 'l.id', service: 's.id' });

type ContextKey = (string | null)[];
type ContextRows = Record<string, Record<string, unknown> | null>;

/**
 * The rows of each key (booking, customer, resource, location, service; null when not found), as the API shows them
 * (what toApi makes of a row: camelCase keys, ISO dates, no tenant_id), built in one pass over the columns.
 */
async function contextRows(db: Queryable, keys: readonly ContextKey[], sql = CONTEXT_SQL): Promise<ContextRows[]> {
  const columns = Array.from({ length: 8 }, (_, i) => keys.map((k) => k[i]));
  const { rows: found, names } = await arrayRows(db, sql, columns);
  // Each column once: "#table" starts a table's columns (true when its row was found), the others are its fields.
  const plan = names.map((name): { table: string } | { field: string | null } =>
    (name.startsWith('#') ? { table: name.slice(1) } : { field: name === 'tenant_id' ? null : camel(name) }));
  const out: ContextRows[] = keys.map(() => ({}));
  for (const row of found) {
    const tables: ContextRows = out[Number(row[0]) - 1];
    let current: Record<string, unknown> | null = null;
    for (let i = 1; i < plan.length; i++) {
      const p = plan[i];
      if ('table' in p) {
        current = row[i] === true ? {} : null;
        tables[p.table] = current;
      } else if (current && p.field) current[p.field] = apiValue(row[i]);
    }
  }
  return out;
}

// Outside a transaction, the contexts (and scopes) steps and dispatches load at the same time go in one statement.
const coalescedContexts = perDataSource((ds) => coalesce<ContextKey, ContextRows>((keys) => contextRows(ds, keys)));
const coalescedScopes = perDataSource((ds) => coalesce<ContextKey, ContextRows>((keys) => contextRows(ds, keys, SCOPE_SQL)));

type ContextSource = { bookingId?: string | null; event?: DomainEvent | null; eventType?: string };

/**
 * Builds the run context. `booking` is the current row when it still exists, else the snapshot the event carried
 * (a deleted booking's last state).
 */
export async function loadContext(db: Queryable, tenant: TenantInfo, src: ContextSource): Promise<RunContext> {
  return buildContext(db, tenant, src, 'full');
}

/**
 * What the filters are evaluated against (scopeOf), and the booking's id, read with a narrower statement than
 * loadContext's: the same rows, a handful of their columns.
 */
export async function loadScope(db: Queryable, tenant: TenantInfo, src: ContextSource): Promise<{ scope: Scope; bookingId: string | null }> {
  const ctx = await buildContext(db, tenant, src, 'scope');
  return { scope: scopeOf(ctx), bookingId: (ctx.booking?.id as string | undefined) ?? null };
}

async function buildContext(db: Queryable, tenant: TenantInfo, src: ContextSource, shape: 'full' | 'scope'): Promise<RunContext> {
  const ev = src.event ?? null;
  const data = (ev?.data ?? {}) as Record<string, any>;
  const snapshot = data.booking && typeof data.booking === 'object' ? data.booking as Partial<Booking> : null;
  // The keys when the booking row is gone (from its snapshot, then the event), and when a column of it is null.
  const key: ContextKey = [
    tenant.id,
    str(src.bookingId ?? (ev ? bookingIdOf(ev) : null)),
    str(snapshot?.customerId ?? data.customer?.id ?? data.memberId), str(data.customer?.id ?? data.memberId),
    str(snapshot?.resourceId ?? data.resourceId), str(data.resourceId),
    str(data.locationId),
    str(snapshot?.serviceId),
  ];
  const found = db instanceof DataSource
    ? await (shape === 'full' ? coalescedContexts : coalescedScopes)(db)(key)
    : (await contextRows(db, [key], shape === 'full' ? CONTEXT_SQL : SCOPE_SQL))[0];
  const [bookingRow, customerRow, resource, location, service] = CONTEXT_TABLES.map((t) => found[t] ?? null);
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
    ...(bookingRow === null && snapshot ? { bookingGone: true } : {}),
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
