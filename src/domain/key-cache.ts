// Verified API keys, kept in each process while it hears every revocation.
//
// Without it every API request starts with a round trip of its own to look its key up: about a seventh of what
// creating a booking costs. A revoked key must still stop working at once in every process serving the database:
// each process LISTENs on KEYS_CHANNEL, revokeKey NOTIFYs the key's id as it commits, and a process trusts its cache
// only while its listening connection is up. When that connection drops, the cache is emptied and not used until the
// process listens again (a revocation missed meanwhile cannot leave a stale entry behind).
import pg from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import type { Principal } from './keys.js';

export const KEYS_CHANNEL = 'bookflow_api_keys';
/**
 * How long an entry is trusted at most (60 s), revocations or not: the bound for a key changed behind Bookflow's back
 * (an UPDATE by hand in SQL sends no notification).
 */
const ENTRY_TTL_MS = 60_000;
/** Entries kept at most per database; the oldest makes room for a new one. */
const MAX_ENTRIES = 10_000;
/** Wait before listening again after the connection dropped (1 s, doubling to 30 s while it keeps failing). */
const RECONNECT_MS = 1_000;

interface Cache {
  listening: boolean;
  /** Bumped by every revocation heard and every drop of the connection: a lookup that saw it change caches nothing. */
  generation: number;
  entries: Map<string, { principal: Principal; until: number }>;
}

const caches = new WeakMap<DataSource, Cache>();
const dataSourceOf = (db: DataSource | EntityManager): DataSource => ('dataSource' in db ? db.dataSource : db);

/**
 * The principal of the key whose hash is `hash`: from the cache while it listens, else from `lookup` (the database),
 * whose answer is kept unless a revocation or a drop of the connection came in while it ran.
 */
export async function verifiedKey(db: DataSource | EntityManager, hash: string, lookup: () => Promise<Principal | null>): Promise<Principal | null> {
  const c = caches.get(dataSourceOf(db));
  if (!c?.listening) return lookup();
  const hit = c.entries.get(hash);
  if (hit && hit.until > Date.now()) return hit.principal;
  if (hit) c.entries.delete(hash);
  const generation = c.generation;
  const principal = await lookup();
  if (principal && c.listening && c.generation === generation) {
    if (c.entries.size >= MAX_ENTRIES) c.entries.delete(c.entries.keys().next().value!);
    c.entries.set(hash, { principal, until: Date.now() + ENTRY_TTL_MS });
  }
  return principal;
}

export function forgetKey(db: DataSource | EntityManager, keyId: string): void {
  const c = caches.get(dataSourceOf(db));
  if (!c) return;
  c.generation++;
  for (const [hash, v] of c.entries) if (v.principal.keyId === keyId) c.entries.delete(hash);
}

export interface KeyCacheHandle {
  /** True while revocations are heard (and the cache used). */
  readonly listening: boolean;
  stop(): Promise<void>;
}

/**
 * Starts caching verified keys for `ds` (whose database `connectionString` names): one extra connection, listening.
 * Resolves once it listens. stop() closes it; the cache is then no longer used.
 */
export async function startKeyCache(ds: DataSource, connectionString: string, log: (line: string) => void = () => {}): Promise<KeyCacheHandle> {
  const cache: Cache = { listening: false, generation: 0, entries: new Map() };
  caches.set(ds, cache);
  let client: pg.Client | null = null;
  let stopped = false;
  let retry: NodeJS.Timeout | null = null;
  let wait = RECONNECT_MS;

  const dropped = (why: string) => {
    if (!cache.listening && client === null) return;
    cache.listening = false;
    cache.generation++;
    cache.entries.clear();
    client = null;
    if (stopped) return;
    log(`API key cache: ${why}; keys are looked up on every request until it listens again`);
    retry = setTimeout(() => void listen(), wait);
    wait = Math.min(wait * 2, 30_000);
  };

  const listen = async (): Promise<void> => {
    retry = null;
    const c = new pg.Client({ connectionString, application_name: 'bookflow-key-cache' });
    client = c;
    c.on('error', (err) => { if (client === c) dropped(`its connection failed (${err.message})`); });
    c.on('end', () => { if (client === c) dropped('its connection closed'); });
    c.on('notification', (n) => { if (n.channel === KEYS_CHANNEL && n.payload) forgetKey(ds, n.payload); });
    try {
      await c.connect();
      await c.query(`LISTEN ${KEYS_CHANNEL}`);
    } catch (err) {
      await c.end().catch(() => {});
      if (client === c) dropped(`could not listen (${(err as Error).message})`);
      return;
    }
    if (stopped || client !== c) {
      await c.end().catch(() => {});
      return;
    }
    wait = RECONNECT_MS;
    cache.listening = true;
  };

  await listen();
  return {
    get listening() { return cache.listening; },
    async stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
      cache.listening = false;
      cache.entries.clear();
      const c = client;
      client = null;
      if (caches.get(ds) === cache) caches.delete(ds);
      await c?.end().catch(() => {});
    },
  };
}
