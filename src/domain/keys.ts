// API keys. A key is 256 random bits; only its SHA-256 hash is stored, and the secret is shown once.
// A fast hash is right here: the secret is high-entropy (no dictionary to try), and a slow password hash on every
// request would cap throughput.
import crypto from 'node:crypto';
import { DataSource } from 'typeorm';
import type { Queryable } from '../db/data-source.js';
import { one } from '../db/sql.js';
import { listRows, type Page } from './store.js';
import { notFound } from './errors.js';
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
 * Revokes a key. Call it with the data source (its UPDATE commits before the key is forgotten): inside a longer
 * transaction, a request between the forget and the commit could read the key as valid and cache it again.
 */
export async function revokeKey(db: Queryable, tenantId: string, id: string): Promise<ApiKey> {
  const r = await one<KeyRow>(db, `
    UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now())
    WHERE tenant_id = $1 AND id = $2 RETURNING *`, [tenantId, id]);
  if (!r) throw notFound('API key', id);
  // After the UPDATE: every authentication from now on reads the table (and finds the key revoked).
  keyCacheOf(db).forget(id);
  return toKey(r);
}

export interface Principal {
  tenantId: string;
  role: Role;
  keyId: string;
}

/**
 * How long this process trusts a key it authenticated without reading api_keys again (5 s): most requests then
 * skip that read. A key revoked through this process stops working at once (revokeKey forgets it); ANOTHER process
 * that authenticated the key shortly before may still accept it for up to this long. Unknown and revoked keys are
 * never remembered: each try reads the table.
 */
export const KEY_CACHE_MS = 5_000;
/** Entries kept at most; past that the oldest go first (a bound on memory, not a tuning knob). */
const KEY_CACHE_MAX = 10_000;

class KeyCache {
  private entries = new Map<string, { principal: Principal; until: number }>();
  /** Bumped by every forget: a lookup that started before it must not store what it read (it may predate the revoke). */
  private generation = 0;

  get(hash: string): Principal | null {
    const e = this.entries.get(hash);
    if (!e) return null;
    if (e.until > Date.now()) return e.principal;
    this.entries.delete(hash);
    return null;
  }

  mark(): number {
    return this.generation;
  }

  /** Stores what a lookup begun at `mark` found, unless a key was forgotten since. */
  set(hash: string, principal: Principal, mark: number): void {
    if (mark !== this.generation) return;
    this.entries.delete(hash);
    this.entries.set(hash, { principal, until: Date.now() + KEY_CACHE_MS });
    if (this.entries.size > KEY_CACHE_MAX) this.entries.delete(this.entries.keys().next().value!);
  }

  forget(keyId: string): void {
    this.generation++;
    for (const [hash, e] of this.entries) if (e.principal.keyId === keyId) this.entries.delete(hash);
  }
}

// One cache per database (a process may talk to several, as the tests do).
const keyCaches = new WeakMap<DataSource, KeyCache>();
function keyCacheOf(db: Queryable): KeyCache {
  const ds = db instanceof DataSource ? db : db.dataSource;
  let c = keyCaches.get(ds);
  if (!c) keyCaches.set(ds, (c = new KeyCache()));
  return c;
}

/**
 * The key's tenant and role, or null for an unknown or revoked key. Looked up by the key's SHA-256 hash (a lookup
 * whose timing depends on the hash tells nothing about the secret); see KEY_CACHE_MS for how long a hit is trusted.
 */
export async function authenticate(db: Queryable, secret: string): Promise<Principal | null> {
  const hash = hashKey(secret);
  const cache = keyCacheOf(db);
  const cacheKey = hash.toString('base64');
  const cached = cache.get(cacheKey);
  if (cached) return { ...cached };
  const mark = cache.mark();
  const r = await one<{ tenant_id: string; id: string; role: Role; key_hash: Buffer }>(db,
    'SELECT tenant_id, id, role, key_hash FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL', [hash]);
  if (!r || !crypto.timingSafeEqual(r.key_hash, hash)) return null;
  const principal: Principal = { tenantId: r.tenant_id, role: r.role, keyId: r.id };
  cache.set(cacheKey, principal, mark);
  return { ...principal };
}

/** Constant-time comparison of a presented platform key with the configured one. */
export function isPlatformKey(presented: string, adminKey: string): boolean {
  return crypto.timingSafeEqual(hashKey(presented), hashKey(adminKey));
}
