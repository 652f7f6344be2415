// API keys. A key is 256 random bits; only its SHA-256 hash is stored, and the secret is shown once.
// A fast hash is right here: the secret is high-entropy (no dictionary to try), and a slow password hash on every
// request would cap throughput.
import crypto from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Queryable } from '../db/data-source.js';
import { one, transaction } from '../db/sql.js';
import { forgetKey, KEYS_CHANNEL, verifiedKey } from './key-cache.js';
import { listRows, type Page } from './store.js';
import { DomainError, notFound } from './errors.js';
import { newId } from './ids.js';

export type Role = 'admin' | 'app';

export interface ApiKey {
  id: string;
  name: string | null;
  role: Role;
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
}
export interface ApiKeyWithSecret extends ApiKey {
  secret: string;
}

interface KeyRow { id: string; name: string | null; role: Role; key_prefix: string; created_at: Date; revoked_at: Date | null }

const toKey = (r: KeyRow): ApiKey => ({
  id: r.id,
  name: r.name,
  role: r.role,
  prefix: r.key_prefix,
  createdAt: r.created_at.toISOString(),
  revokedAt: r.revoked_at ? r.revoked_at.toISOString() : null,
});

export const hashKey = (secret: string): Buffer => crypto.createHash('sha256').update(secret, 'utf8').digest();

export async function createKey(db: Queryable, tenantId: string, input: { role: Role; name?: string | null }): Promise<ApiKeyWithSecret> {
  const secret = `bfk_${crypto.randomBytes(32).toString('base64url')}`;
  const prefix = secret.slice(0, 10);
  const r = await one<KeyRow>(db, `
    INSERT INTO api_keys (tenant_id, id, name, role, key_hash, key_prefix)
    VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
  [tenantId, newId('key'), input.name ?? null, input.role, hashKey(secret), prefix]);
  return { ...toKey(r!), secret };
}

export async function listKeys(db: Queryable, tenantId: string, opts: { cursor?: string; limit: number } = { limit: 500 }): Promise<Page<ApiKey>> {
  const page = await listRows(db, 'api_keys', tenantId, opts);
  return { items: page.items.map((r) => toKey(r as unknown as KeyRow)), nextCursor: page.nextCursor };
}

/**
 * Revokes a key; every process caching it (key-cache.ts) hears so as this commits. A tenant's last admin key cannot
 * be revoked (409 LAST_ADMIN_KEY): nothing could issue the tenant a new one. Revocations of one tenant's keys take
 * turns on its row, so two at once cannot each leave the other as the last.
 */
export async function revokeKey(ds: DataSource, tenantId: string, id: string): Promise<ApiKey> {
  const r = await transaction(ds, async (tx) => {
    await one(tx, 'SELECT 1 FROM tenants WHERE id = $1 FOR NO KEY UPDATE', [tenantId]);
    const key = await one<KeyRow & { admins_left: number }>(tx, `
      SELECT k.*, (SELECT count(*)::int FROM api_keys o WHERE o.tenant_id = k.tenant_id AND o.id <> k.id
                   AND o.role = 'admin' AND o.revoked_at IS NULL) AS admins_left
      FROM api_keys k WHERE k.tenant_id = $1 AND k.id = $2`, [tenantId, id]);
    if (!key) throw notFound('API key', id);
    if (key.role === 'admin' && key.revoked_at === null && key.admins_left === 0) {
      throw new DomainError(409, 'LAST_ADMIN_KEY', 'this is the tenant\'s last admin key: create another admin key (POST /api/keys; the platform: POST /api/tenants/{id}/keys) before revoking it');
    }
    return (await one<KeyRow>(tx, `
      WITH r AS (
        UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now())
        WHERE tenant_id = $1 AND id = $2 RETURNING *
      )
      SELECT r.*, pg_notify('${KEYS_CHANNEL}', r.id) FROM r`, [tenantId, id]))!;
  });
  forgetKey(ds, id); // here at once; the notification comes back to this process too
  return toKey(r);
}

export interface Principal {
  tenantId: string;
  role: Role;
  keyId: string;
}

/** The key's tenant and role, or null for an unknown or revoked key. Served from key-cache.ts when it runs. */
export async function authenticate(db: Queryable, secret: string): Promise<Principal | null> {
  const hash = hashKey(secret);
  return verifiedKey(db, hash.toString('base64'), async () => {
    const r = await one<{ tenant_id: string; id: string; role: Role; key_hash: Buffer }>(db,
      'SELECT tenant_id, id, role, key_hash FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL', [hash]);
    if (!r || !crypto.timingSafeEqual(r.key_hash, hash)) return null;
    return { tenantId: r.tenant_id, role: r.role, keyId: r.id };
  });
}

/** Constant-time comparison of a presented platform key with the configured one. */
export function isPlatformKey(presented: string, adminKey: string): boolean {
  return crypto.timingSafeEqual(hashKey(presented), hashKey(adminKey));
}
