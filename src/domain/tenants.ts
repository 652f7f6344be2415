// Tenants: one business each. Tenant ids are global (they prefix job keys and appear in URLs).
import type { DataSource } from 'typeorm';
import type { Queryable } from '../db/data-source.js';
import { one, rows, transaction, pgCode } from '../db/sql.js';
import { conflict, notFound } from './errors.js';
import { newId } from './ids.js';
import { bookingScopeChanged } from './scope-hooks.js';
import { createKey, type ApiKeyWithSecret } from './keys.js';

export interface Tenant {
  id: string;
  name: string;
  timezone: string;
  defaultLanguage: string;
  adminEmail: string | null;
  createdAt: string;
}

interface TenantRow { id: string; name: string; timezone: string; default_language: string; admin_email: string | null; created_at: Date }

const toTenant = (r: TenantRow): Tenant => ({
  id: r.id,
  name: r.name,
  timezone: r.timezone,
  defaultLanguage: r.default_language,
  adminEmail: r.admin_email,
  createdAt: r.created_at.toISOString(),
});

export interface TenantInput {
  id?: string;
  name: string;
  timezone?: string;
  defaultLanguage?: string;
  adminEmail?: string | null;
}

/** Hooks run inside the tenant's creation transaction (default workflows are installed this way). */
export type TenantCreatedHook = (tx: import('typeorm').EntityManager, tenant: Tenant) => Promise<void>;
const createdHooks: TenantCreatedHook[] = [];
export function onTenantCreated(hook: TenantCreatedHook): void {
  createdHooks.push(hook);
}

/** Creates a tenant with its first admin key; the key's secret is returned once. */
export async function createTenant(ds: DataSource, input: TenantInput): Promise<Tenant & { apiKey: string }> {
  try {
    return await transaction(ds, async (tx) => {
      const r = await one<TenantRow>(tx, `
        INSERT INTO tenants (id, name, timezone, default_language, admin_email)
        VALUES ($1, $2, $3, $4, $5) RETURNING *`,
      [input.id ?? newId('t'), input.name, input.timezone ?? 'UTC', input.defaultLanguage ?? 'en', input.adminEmail ?? null]);
      const tenant = toTenant(r!);
      const key: ApiKeyWithSecret = await createKey(tx, tenant.id, { role: 'admin', name: 'first admin key' });
      for (const hook of createdHooks) await hook(tx, tenant);
      return { ...tenant, apiKey: key.secret };
    });
  } catch (err) {
    if (pgCode(err) === '23505') throw conflict('ALREADY_EXISTS', `a tenant with id ${JSON.stringify(input.id)} already exists`);
    throw err;
  }
}

export async function getTenant(db: Queryable, id: string): Promise<Tenant> {
  const r = await one<TenantRow>(db, 'SELECT * FROM tenants WHERE id = $1', [id]);
  if (!r) throw notFound('tenant', id);
  return toTenant(r);
}

export async function listTenants(db: Queryable, opts: { after?: string; limit: number }): Promise<Tenant[]> {
  const rs = await rows<TenantRow>(db, 'SELECT * FROM tenants WHERE ($1::text IS NULL OR id > $1) ORDER BY id LIMIT $2', [opts.after ?? null, opts.limit]);
  return rs.map(toTenant);
}

export interface SettingsPatch {
  name?: string;
  timezone?: string;
  defaultLanguage?: string;
  adminEmail?: string | null;
}

export async function updateSettings(ds: DataSource, tenantId: string, patch: SettingsPatch): Promise<Tenant> {
  return transaction(ds, async (tx) => {
    const before = await one<{ default_language: string }>(tx, 'SELECT default_language FROM tenants WHERE id = $1 FOR NO KEY UPDATE', [tenantId]);
    if (!before) throw notFound('tenant', tenantId);
    const r = (await one<TenantRow>(tx, `
      UPDATE tenants SET
        name = COALESCE($2, name),
        timezone = COALESCE($3, timezone),
        default_language = COALESCE($4, default_language),
        admin_email = CASE WHEN $5::boolean THEN $6 ELSE admin_email END,
        updated_at = now()
      WHERE id = $1 RETURNING *`,
    [tenantId, patch.name ?? null, patch.timezone ?? null, patch.defaultLanguage ?? null, 'adminEmail' in patch, patch.adminEmail ?? null]))!;
    // The language of every booking whose customer has none: reminders filtered by language follow it. (Its time zone
    // is not asked: every resource has a location, and every location its own zone.)
    if (r.default_language !== before.default_language) await bookingScopeChanged(tx, tenantId);
    return toTenant(r);
  });
}
