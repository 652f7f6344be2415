// Generic tenant-scoped row access shared by the entity services: every statement here has `tenant_id = $1`
// first, so no query built from these helpers can cross tenants. Field names come from validated input (the
// request schemas reject unknown fields) and are quoted anyway.
import type { Queryable } from '../db/data-source.js';
import { one, pgCode, rows } from '../db/sql.js';
import { conflict, DomainError } from './errors.js';
import { newId } from './ids.js';

export const snake = (s: string): string => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const camelCase = new Map<string, string>();
/** snake_case -> camelCase; column names are few, so each is converted once (up to 10,000 names are kept). */
export const camel = (s: string): string => {
  let c = camelCase.get(s);
  if (c === undefined) {
    c = s.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase());
    if (camelCase.size < 10_000) camelCase.set(s, c);
  }
  return c;
};
const ident = (s: string): string => `"${snake(s).replace(/"/g, '""')}"`;

/** A column value as the API shows it: dates as ISO strings, the rest as read. */
export const apiValue = (v: unknown): unknown => (v instanceof Date ? v.toISOString() : v);

/** A row as the API shows it: camelCase keys, ISO dates, no tenant_id. */
export function toApi<T>(row: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (k === 'tenant_id') continue;
    out[camel(k)] = apiValue(v);
  }
  return out as T;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const encodeCursor = (parts: unknown[]): string => Buffer.from(JSON.stringify(parts)).toString('base64url');

const badCursor = (): DomainError =>
  new DomainError(400, 'VALIDATION_FAILED', 'cursor is not one this API returned', [{ pointer: '/cursor', in: 'query', message: 'invalid cursor' }]);

export function decodeCursor(cursor: string | undefined): unknown[] | null {
  if (!cursor) return null;
  try {
    const parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parts) && parts.length === 2 && parts.every((p) => typeof p === 'string' || typeof p === 'number')) return parts;
  } catch { /* fall through */ }
  throw badCursor();
}

/**
 * Runs a page's query. A cursor that decodes but holds what its column cannot take (a forged one: "notadate" for a
 * time, a NUL) makes Postgres raise a data exception (class 22): that is the client's cursor, a 400, not a 500.
 */
export async function pageQuery<T>(cursor: unknown[] | null, query: () => Promise<T>): Promise<T> {
  try {
    return await query();
  } catch (err) {
    if (cursor && String(pgCode(err) ?? '').startsWith('22')) throw badCursor();
    throw err;
  }
}

/** Maps constraint violations to client errors: duplicates 409, dangling references 404, references in use 409. */
export function translateConstraint(err: unknown, what: string): never {
  const code = pgCode(err);
  const detail = String((err as { detail?: string; driverError?: { detail?: string } }).driverError?.detail ?? (err as { detail?: string }).detail ?? '');
  if (code === '23505') throw conflict('ALREADY_EXISTS', `a ${what} with this id already exists`);
  if (code === '23503') {
    const referenced = /is still referenced from table "(\w+)"/.exec(detail);
    // the table in words ("waitlist entries", not "waitlist_entries")
    if (referenced) throw conflict('IN_USE', `this ${what} is still used by ${referenced[1].replaceAll('_', ' ')}; remove those first`);
    const missing = /Key \(tenant_id, (\w+)\)=\([^,]*, ([^)]*)\) is not present in table "(\w+)"/.exec(detail);
    if (missing) {
      const field = camel(missing[1]);
      throw new DomainError(404, 'NOT_FOUND', `${missing[3].replace(/s$/, '')} ${JSON.stringify(missing[2])} does not exist`, [
        { pointer: `/${field}`, in: 'body', message: 'no such id in this tenant' },
      ]);
    }
  }
  throw err;
}

export async function insertRow(db: Queryable, table: string, tenantId: string, values: Record<string, unknown>, opts: { idPrefix: string; what: string }): Promise<Record<string, unknown>> {
  const entries = Object.entries({ ...values, id: values.id ?? newId(opts.idPrefix) }).filter(([, v]) => v !== undefined);
  const cols = ['tenant_id', ...entries.map(([k]) => k)].map(ident).join(', ');
  const params = [tenantId, ...entries.map(([, v]) => v)];
  const ph = params.map((_, i) => `$${i + 1}`).join(', ');
  try {
    return (await one(db, `INSERT INTO ${table} (${cols}) VALUES (${ph}) RETURNING *`, params))!;
  } catch (err) {
    translateConstraint(err, opts.what);
  }
}

export async function getRow(db: Queryable, table: string, tenantId: string, id: string, opts: { lock?: boolean } = {}): Promise<Record<string, unknown> | undefined> {
  return one(db, `SELECT * FROM ${table} WHERE tenant_id = $1 AND id = $2${opts.lock ? ' FOR UPDATE' : ''}`, [tenantId, id]);
}

export async function updateRow(db: Queryable, table: string, tenantId: string, id: string, values: Record<string, unknown>, what: string): Promise<Record<string, unknown> | undefined> {
  const entries = Object.entries(values).filter(([, v]) => v !== undefined);
  const sets = entries.map(([k], i) => `${ident(k)} = $${i + 3}`);
  sets.push('updated_at = now()');
  try {
    return await one(db, `UPDATE ${table} SET ${sets.join(', ')} WHERE tenant_id = $1 AND id = $2 RETURNING *`, [tenantId, id, ...entries.map(([, v]) => v)]);
  } catch (err) {
    translateConstraint(err, what);
  }
}

export async function deleteRow(db: Queryable, table: string, tenantId: string, id: string, what: string): Promise<Record<string, unknown> | undefined> {
  try {
    return await one(db, `DELETE FROM ${table} WHERE tenant_id = $1 AND id = $2 RETURNING *`, [tenantId, id]);
  } catch (err) {
    translateConstraint(err, what);
  }
}

export interface ListOptions {
  /** column name (camelCase) -> exact value; undefined values are ignored */
  where?: Record<string, unknown>;
  /** Extra SQL conditions, each with one value that every `?` in it stands for, e.g. ['start_time >= ?', from]. */
  conditions?: [string, unknown][];
  /** Sort column (camelCase), ascending, ties broken by id. */
  orderBy?: string;
  /** Newest first. */
  descending?: boolean;
  cursor?: string;
  limit: number;
}

export async function listRows(db: Queryable, table: string, tenantId: string, opts: ListOptions): Promise<Page<Record<string, unknown>>> {
  const params: unknown[] = [tenantId];
  const where = ['tenant_id = $1'];
  for (const [k, v] of Object.entries(opts.where ?? {})) {
    if (v === undefined) continue;
    params.push(v);
    where.push(`${ident(k)} = $${params.length}`);
  }
  for (const [sql, v] of opts.conditions ?? []) {
    params.push(v);
    where.push(sql.replaceAll('?', `$${params.length}`));
  }
  const order = opts.orderBy ?? 'createdAt';
  const after = decodeCursor(opts.cursor);
  if (after) {
    params.push(after[0], after[1]);
    where.push(`(${ident(order)}, id) ${opts.descending ? '<' : '>'} ($${params.length - 1}, $${params.length})`);
  }
  params.push(opts.limit + 1);
  const dir = opts.descending ? ' DESC' : '';
  // The sort value goes into the cursor as Postgres prints it: a JS Date would drop the microseconds and
  // make the next page repeat the last row.
  const rs = await pageQuery(after, () => rows(db, `SELECT *, ${ident(order)}::text AS cursor_sort FROM ${table} WHERE ${where.join(' AND ')} ORDER BY ${ident(order)}${dir}, id${dir} LIMIT $${params.length}`, params));
  const more = rs.length > opts.limit;
  const items = more ? rs.slice(0, opts.limit) : rs;
  const last = items[items.length - 1];
  const nextCursor = more && last ? encodeCursor([last.cursor_sort as string, last.id as string]) : null;
  for (const r of items) delete r.cursor_sort;
  return { items, nextCursor };
}
