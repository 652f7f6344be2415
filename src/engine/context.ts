// Loading what a run sees: the booking as it is now (or its last state, once deleted), with its customer,
// resource, location and service, the tenant, and the event. Also the "scope" filters are evaluated against.
import type { Queryable } from '../db/data-source.js';
import { one } from '../db/sql.js';
import type { Booking } from '../domain/bookings.js';
import type { DomainEvent } from '../domain/events.js';
import { toApi } from '../domain/store.js';
import type { RunContext } from './contracts.js';

export interface TenantInfo {
  id: string; name: string; timezone: string; defaultLanguage: string; adminEmail: string | null;
}

async function byId(db: Queryable, table: string, tenantId: string, id: unknown): Promise<Record<string, unknown> | null> {
  if (typeof id !== 'string') return null;
  const r = await one(db, `SELECT * FROM ${table} WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
  return r ? toApi<Record<string, unknown>>(r) : null;
}

export async function loadTenant(db: Queryable, tenantId: string): Promise<TenantInfo | null> {
  const t = await one<{ id: string; name: string; timezone: string; default_language: string; admin_email: string | null }>(db,
    'SELECT id, name, timezone, default_language, admin_email FROM tenants WHERE id = $1', [tenantId]);
  return t ? { id: t.id, name: t.name, timezone: t.timezone, defaultLanguage: t.default_language, adminEmail: t.admin_email } : null;
}

/** The booking an event is about, if any: its subject, or the booking named in its data. */
export function bookingIdOf(event: Pick<DomainEvent, 'subjectType' | 'subjectId' | 'data'>): string | null {
  if (event.subjectType === 'booking') return event.subjectId;
  const d = event.data as { bookingId?: unknown; booking?: { id?: unknown } };
  if (typeof d.booking?.id === 'string') return d.booking.id;
  return typeof d.bookingId === 'string' ? d.bookingId : null;
}

/**
 * Builds the run context. `booking` is the current row when it still exists, else the snapshot the event carried
 * (a deleted booking's last state).
 */
export async function loadContext(db: Queryable, tenant: TenantInfo, src: {
  bookingId?: string | null; event?: DomainEvent | null; eventType?: string;
}): Promise<RunContext> {
  const ev = src.event ?? null;
  const data = (ev?.data ?? {}) as Record<string, any>;
  let booking = (await byId(db, 'bookings', tenant.id, src.bookingId ?? (ev ? bookingIdOf(ev) : null))) as Booking | null;
  if (!booking && data.booking && typeof data.booking === 'object') booking = data.booking as Booking;
  const customer = (await byId(db, 'customers', tenant.id, booking?.customerId ?? data.customer?.id ?? data.memberId)) ?? (data.customer ?? null);
  const resource = await byId(db, 'resources', tenant.id, booking?.resourceId ?? data.resourceId);
  const location = await byId(db, 'locations', tenant.id, resource?.locationId ?? data.locationId);
  const service = await byId(db, 'services', tenant.id, booking?.serviceId);
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
