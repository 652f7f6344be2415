// npm run chaos:db: the Postgres server is stopped (pg_ctl stop -m fast: every session is cut) and started again on
// the same data dir and port, several times, during a stream of booking changes. Nobody touches Bookflow: its `serve`
// and `worker` processes must come back by themselves. The API may refuse requests while the database is down (the
// driver counts them and, after asking whether the change committed, repeats it); afterwards every committed change's
// messages must arrive, no process may have died, every worker must beat again, and no run may be stuck.
//
// Env: CHAOS_DB_CHANGES (1500), CHAOS_DB_RATE changes/s (10), CHAOS_DB_RESTARTS (3), CHAOS_DB_DOWN_S seconds down
// each time (8), CHAOS_DB_WORKERS (2), CHAOS_CONCURRENCY (16), CHAOS_DRAIN_TIMEOUT_S (420).
import { envInt, log, sleep, until } from './lib/log.js';
import { startWorld, verify } from './lib/harness.js';
import { summaryLine } from './lib/report.js';
import { runStream } from './lib/stream.js';

const cfg = {
  changes: envInt('CHAOS_DB_CHANGES', 1500),
  rate: envInt('CHAOS_DB_RATE', 10),
  restarts: envInt('CHAOS_DB_RESTARTS', 3),
  downMs: envInt('CHAOS_DB_DOWN_S', 8) * 1000,
  workers: envInt('CHAOS_DB_WORKERS', 2),
  concurrency: envInt('CHAOS_CONCURRENCY', 16),
  drainTimeoutMs: envInt('CHAOS_DRAIN_TIMEOUT_S', 420) * 1000,
  resources: 20,
  customers: 50,
};

async function main(): Promise<number> {
  log(`chaos:db: ${JSON.stringify(cfg)}`);
  const world = await startWorld({ suite: 'chaos-db', workers: cfg.workers, resources: cfg.resources, customers: cfg.customers });
  try {
    const stops: number[] = [];
    const downtimes: number[] = [];
    const outages: { from: number; to: number }[] = [];
    const streamMs = (cfg.changes / cfg.rate) * 1000;
    const restarter = (async () => {
      for (let i = 1; i <= cfg.restarts; i++) {
        await sleep(streamMs / (cfg.restarts + 1) - (i === 1 ? 0 : cfg.downMs));
        stops.push(Date.now());
        log(`stopping Postgres (${i}/${cfg.restarts})`);
        await world.db.stop();
        await sleep(cfg.downMs);
        await world.db.start();
        downtimes.push(Date.now() - stops[stops.length - 1]);
        outages.push({ from: stops[stops.length - 1], to: Date.now() });
        log(`Postgres is back after ${((Date.now() - stops[stops.length - 1]) / 1000).toFixed(1)} s`);
      }
    })();
    const stream = await runStream({
      client: world.client, changes: cfg.changes, rate: cfg.rate, concurrency: cfg.concurrency, resources: cfg.resources, customers: cfg.customers,
    }, (done) => log(`${done} changes committed, ${stops.length} database stops so far`));
    await restarter;

    // Every worker process must beat again on its own: a heartbeat that died would leave its jobs to nobody.
    const beating = await until('every worker to beat after the last restart', async () => {
      const pids = world.workers.map((w) => world.procs.procs.get(w)!.pid);
      const { rows } = await world.db.pool.query("SELECT DISTINCT pid FROM worker_heartbeats WHERE last_seen > now() - interval '15 seconds' AND pid = ANY($1)", [pids]); // a process beats for each of its pools
      return rows.length === pids.length;
    }, { timeoutMs: 60_000, everyMs: 1000 }).then(() => true, () => false);
    log(beating ? 'every worker beats again' : '!! some worker does not beat after the restarts');

    const v = await verify(world, stream, cfg.drainTimeoutMs);
    const refused = Object.entries(stream.refusedByStatus).map(([k, n]) => `${n}×${k}`).join(' ');
    const { line, pass } = summaryLine({
      name: 'chaos:db',
      head: [
        `${stream.committed} changes (${Object.entries(stream.byKind).map(([k, n]) => `${n} ${k}`).join(', ')}) in ${(stream.durationMs / 1000).toFixed(0)} s`,
        `${stops.length} Postgres restarts (down ${downtimes.map((d) => (d / 1000).toFixed(0)).join('/')} s)`,
        `${stream.refused} API requests refused while it was down (${refused || 'none'}), all retried`,
        `${stream.rejected.length} rejected, ${stream.abandoned} abandoned`,
        `${world.procs.unexpectedExits.length} processes died`,
      ],
      v,
      disruptions: outages,
      extraFailures: [
        ...(stream.rejected.length ? [`${stream.rejected.length} changes rejected: ${stream.rejected.slice(0, 3).join(' | ')}`] : []),
        ...(stream.abandoned ? [`${stream.abandoned} changes abandoned`] : []),
        ...(beating ? [] : ['a worker stopped beating']),
        ...world.procs.unexpectedExits,
      ],
    });
    console.log(line);
    return pass ? 0 : 1;
  } finally {
    await world.stop();
  }
}

main().then((code) => process.exit(code), (err) => {
  log(`chaos:db crashed: ${err instanceof Error ? err.stack : String(err)}`);
  console.log(`SUMMARY chaos:db: crashed (${err instanceof Error ? err.message : String(err)}) — FAIL`);
  process.exit(1);
});
