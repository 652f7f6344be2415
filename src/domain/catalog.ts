// Locations, services and resources: the things a tenant's bookings refer to.
import type { DataSource } from 'typeorm';
import type { Queryable } from '../db/data-source.js';
import { one, rows, transaction } from '../db/sql.js';
import { futurePeak, lockResource } from './capacity.js';
import { conflict, invalid, notFound, type FieldError } from './errors.js';
import { record, type Origin } from './events.js';
import { bookingScopeChanged } from './scope-hooks.js';
import { deleteRow, getRow, insertRow, listRows, toApi, updateRow, type Page } from './store.js';

export interface Location { id: string; name: string; timezone: string; createdAt: string; updatedAt: string }
export interface Service { id: string; name: string; durationMinutes: number; createdAt: string; updatedAt: string }
export interface Resource {
  id: string; name: string; locationId: string; capacity: number; email: string | null; phone: string | null;
  createdAt: string; updatedAt: string;
}

/** A plain tenant-scoped collection: create, get, list, patch, delete with no side effects. */
function collection<T>(table: string, what: string, idPrefix: string) {
  return {
    async create(db: Queryable, tenantId: string, input: Record<string, unknown>): Promise<T> {
      return toApi<T>(await insertRow(db, table, tenantId, input, { idPrefix, what }));
    },
    async get(db: Queryable, tenantId: string, id: string): Promise<T> {
      const r = await getRow(db, table, tenantId, id);
      if (!r) throw notFound(what, id);
      return toApi<T>(r);
    },
    async list(db: Queryable, tenantId: string, opts: { cursor?: string; limit: number; where?: Record<string, unknown> }): Promise<Page<T>> {
      const page = await listRows(db, table, tenantId, opts);
      return { items: page.items.map((r) => toApi<T>(r)), nextCursor: page.nextCursor };
    },
    async update(db: Queryable, tenantId: string, id: string, patch: Record<string, unknown>): Promise<T> {
      const r = await updateRow(db, table, tenantId, id, patch, what);
      if (!r) throw notFound(what, id);
      return toApi<T>(r);
    },
    async remove(db: Queryable, tenantId: string, id: string): Promise<void> {
      if (!(await deleteRow(db, table, tenantId, id, what))) throw notFound(what, id);
    },
  };
}

/**
 * Deletes a location, service or resource, unless a workflow's or a webhook subscription's filters name it: they would
 * never match again, without a word (the state that checkCatalogIds refuses on save), and would start matching
 * whatever is created later under the same id. 409 IN_USE names them. Its bookings and resources are guarded by
 * foreign keys as before.
 */
function removeUnlessFiltered(plain: { remove(db: Queryable, tenantId: string, id: string): Promise<void> }, field: keyof CatalogFilters, table: string, what: string) {
  return (ds: DataSource, tenantId: string, id: string): Promise<void> => transaction(ds, async (tx) => {
    if (!(await one(tx, `SELECT 1 FROM ${table} WHERE tenant_id = $1 AND id = $2`, [tenantId, id]))) throw notFound(what, id);
    const users = await rows<{ kind: string; id: string; name: string }>(tx, `
      SELECT 'workflow' AS kind, id, name FROM workflows WHERE tenant_id = $1 AND filters->$2 ? $3
      UNION ALL
      SELECT 'webhook subscription', id, coalesce(description, url) FROM webhook_subscriptions WHERE tenant_id = $1 AND filters->$2 ? $3
      ORDER BY 1, 2 LIMIT 6`, [tenantId, field, id]);
    if (users.length) {
      const named = users.slice(0, 5).map((u) => `${u.kind} ${JSON.stringify(u.name)} (${u.id})`).join(', ');
      throw conflict('IN_USE', `this ${what} is named in the filters of ${named}${users.length > 5 ? ' and more' : ''}; take it out of those filters first`);
    }
    await plain.remove(tx, tenantId, id);
  });
}

const plainLocations = collection<Location>('locations', 'location', 'loc');

export const locations = {
  ...plainLocations,
  remove: removeUnlessFiltered(plainLocations, 'locationIds', 'locations', 'location'),
  /** A new time zone moves reminders whose offset is in days (calendar days at the location's wall clock). */
  async update(ds: DataSource, tenantId: string, id: string, patch: Record<string, unknown>): Promise<Location> {
    return transaction(ds, async (tx) => {
      const before = await plainLocations.get(tx, tenantId, id);
      const updated = await plainLocations.update(tx, tenantId, id, patch);
      if (updated.timezone !== before.timezone) await bookingScopeChanged(tx, tenantId);
      return updated;
    });
  },
};
const plainServices = collection<Service>('services', 'service', 'svc');
export const services = { ...plainServices, remove: removeUnlessFiltered(plainServices, 'serviceIds', 'services', 'service') };

const plainResources = collection<Resource>('resources', 'resource', 'res');

export const resources = {
  ...plainResources,
  remove: removeUnlessFiltered(plainResources, 'resourceIds', 'resources', 'resource'),
  /**
   * Changing capacity serializes on the resource. Raising it frees seats (`slot.freed`, reason
   * capacity_increased, from now on); lowering it below what future bookings already use is refused.
   */
  async update(ds: DataSource, origin: Origin, id: string, patch: Partial<Resource>): Promise<Resource> {
    return transaction(ds, async (tx) => {
      const tenantId = origin.tenantId;
      const before = await lockResource(tx, tenantId, id);
      if (patch.capacity !== undefined && patch.capacity < before.capacity) {
        const peak = await futurePeak(tx, tenantId, id);
        if (peak > patch.capacity) {
          throw conflict('CAPACITY_IN_USE', `future bookings and offers use ${peak} seats at once on this resource; capacity cannot go below that`);
        }
      }
      const updated = await plainResources.update(tx, tenantId, id, patch);
      // Its bookings are now at another location: reminders filtered by location follow them, and so do its waiting-list
      // entries (their clubId is the resource's location: they vanished from the new location's list).
      if (updated.locationId !== before.location_id) {
        await rows(tx, 'UPDATE waitlist_entries SET location_id = $3, updated_at = now() WHERE tenant_id = $1 AND resource_id = $2',
          [tenantId, id, updated.locationId]);
        await bookingScopeChanged(tx, tenantId);
      }
      if (patch.capacity !== undefined && patch.capacity > before.capacity) {
        await record(tx, origin, {
          type: 'slot.freed',
          subject: { type: 'resource', id },
          data: {
            resourceId: id, locationId: updated.locationId, startTime: new Date().toISOString(), endTime: null,
            seats: patch.capacity - before.capacity, reason: 'capacity_increased', bookingId: null,
          },
        });
      }
      return updated;
    });
  },
};

type CatalogFilters = { locationIds?: string[]; serviceIds?: string[]; resourceIds?: string[] };
const FILTER_TABLES = [['locationIds', 'locations', 'location'], ['serviceIds', 'services', 'service'], ['resourceIds', 'resources', 'resource']] as const;

/**
 * Filters (of a workflow, of a webhook subscription) naming a location, service or resource the tenant does not have
 * (a typo, another system's id) would never match, silently: refused (400 VALIDATION_FAILED, pointing at the id). Ids
 * already kept (`kept`: the filters before this change) are not asked again, so what names a location removed since
 * can still be edited.
 */
export async function checkCatalogIds(db: Queryable, tenantId: string, filters: CatalogFilters, kept?: CatalogFilters): Promise<void> {
  const errors: FieldError[] = [];
  for (const [field, table, what] of FILTER_TABLES) {
    const ids = filters[field] ?? [];
    const asked = ids.filter((id) => !kept?.[field]?.includes(id));
    if (!asked.length) continue;
    // Not locked: a save naming a resource would then wait for the bookings in flight on it, which hold the tenant's
    // workflows lock the save takes next: a deadlock. A delete racing this save can leave its filter dangling.
    const known = new Set((await rows<{ id: string }>(db, `SELECT id FROM ${table} WHERE tenant_id = $1 AND id = ANY($2)`, [tenantId, asked])).map((r) => r.id));
    ids.forEach((id, i) => {
      if (asked.includes(id) && !known.has(id)) errors.push({ pointer: `/filters/${field}/${i}`, in: 'body', message: `no ${what} with the id ${JSON.stringify(id)}` });
    });
  }
  if (errors.length) throw invalid(`a filter names ${errors.length === 1 ? 'something' : 'things'} this tenant does not have: ${errors[0].message}`, errors);
}
