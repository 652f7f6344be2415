// A checksum of everything Bookflow stores, to prove that a refused request wrote nothing.
import type { DataSource } from 'typeorm';
import { rows } from '../../src/db/sql.js';

/** md5 of every row of every Bookflow table, plus the number of queued jobs (heartbeats excepted: they tick). */
export async function databaseChecksum(ds: DataSource): Promise<string> {
  const tables = await rows<{ tablename: string }>(ds, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'worker_heartbeats' ORDER BY tablename");
  const parts: string[] = [];
  for (const { tablename } of tables) {
    const [r] = await rows<{ h: string }>(ds, `SELECT md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), '')) AS h FROM "${tablename}" x`);
    parts.push(`${tablename}:${r.h}`);
  }
  const [j] = await rows<{ n: number }>(ds, 'SELECT count(*)::int AS n FROM graphile_worker._private_jobs');
  parts.push(`jobs:${j.n}`);
  return parts.join(' ');
}
