// npm run chaos: worker processes are SIGKILLed at random moments while a stream of booking changes makes Bookflow
// send emails, SMS and webhooks to real local receivers. Afterwards every expected message must have arrived, every
// duplicate is counted (and explained), and no run may be stuck. One SUMMARY line on stdout; exit 1 on a miss.
//
// Env: CHAOS_CHANGES (3000), CHAOS_RATE changes/s (10), CHAOS_WORKERS (3), CHAOS_KILLS at least (24),
// CHAOS_CONCURRENCY requests in flight (16), CHAOS_DRAIN_TIMEOUT_S (420).
import { envInt, log, sleep } from './lib/log.js';
import { startWorld, verify } from './lib/harness.js';
import { summaryLine } from './lib/report.js';
import { runStream } from './lib/stream.js';

const cfg = {
  changes: envInt('CHAOS_CHANGES', 3000),
  rate: envInt('CHAOS_RATE', 10),
  workers: Math.max(2, envInt('CHAOS_WORKERS', 3)),
  kills: envInt('CHAOS_KILLS', 24),
  concurrency: envInt('CHAOS_CONCURRENCY', 16),
  drainTimeoutMs: envInt('CHAOS_DRAIN_TIMEOUT_S', 420) * 1000,
  resources: 20,
  customers: 50,
};

async function main(): Promise<number> {
  log(`chaos: ${JSON.stringify(cfg)}`);
  const world = await startWorld({ suite: 'chaos', workers: cfg.workers, resources: cfg.resources, customers: cfg.customers });
  try {
    const kills: { at: number; name: string }[] = [];
    const restarts: Promise<void>[] = [];
    // Spread the kills over the stream; any left when it ends happen while the queue drains.
    const meanGapMs = (cfg.changes / cfg.rate) * 1000 / (cfg.kills + 1);
    const killer = (async () => {
      let round = 0;
      while (kills.length < cfg.kills) {
        await sleep(meanGapMs * (0.4 + 1.2 * Math.random()));
        const live = world.workers.filter((w) => !world.procs.procs.get(w)!.exit);
        if (!live.length) continue;
        // Every sixth round two workers die at once (with 2 workers: every worker), leaving the queue unattended.
        const n = ++round % 6 === 0 ? Math.min(2, live.length) : 1;
        const victims = live.sort(() => Math.random() - 0.5).slice(0, n);
        for (const name of victims) {
          kills.push({ at: Date.now(), name });
          await world.procs.kill(name);
        }
        log(`SIGKILL ${victims.join(' + ')} (kill ${kills.length}/${cfg.kills})`);
        for (const name of victims) {
          restarts.push(sleep(Math.random() * 3000).then(() => world.startWorker(name)).catch((err) => {
            log(`!! restarting ${name} failed: ${String(err)}`);
          }));
        }
      }
    })();
    const stream = await runStream({
      client: world.client, changes: cfg.changes, rate: cfg.rate, concurrency: cfg.concurrency, resources: cfg.resources, customers: cfg.customers,
    }, (done) => log(`${done} changes committed, ${kills.length} kills so far`));
    await killer;
    await Promise.all(restarts);
    log(`all ${cfg.workers} workers running again after ${kills.length} kills`);
    const v = await verify(world, stream, cfg.drainTimeoutMs);
    const latency = [...stream.latenciesMs].sort((a, b) => a - b);
    const { line, pass } = summaryLine({
      name: 'chaos',
      head: [
        `${stream.committed} changes (${Object.entries(stream.byKind).map(([k, n]) => `${n} ${k}`).join(', ')}) in ${(stream.durationMs / 1000).toFixed(0)} s`,
        `${kills.length} SIGKILLs of ${cfg.workers} workers`,
      ],
      v,
      disruptions: kills.map((k) => ({ from: k.at, to: k.at })),
      extraFailures: [
        ...(stream.rejected.length ? [`${stream.rejected.length} changes rejected: ${stream.rejected.slice(0, 3).join(' | ')}`] : []),
        ...(stream.refused ? [`${stream.refused} API requests refused (the API never depends on a worker)`] : []),
        ...(kills.length < 20 ? [`only ${kills.length} kills`] : []),
        ...world.procs.unexpectedExits,
      ],
    });
    log(`API latency p50 ${latency[Math.floor(latency.length / 2)]} ms, p99 ${latency[Math.floor(latency.length * 0.99)]} ms`);
    console.log(line);
    return pass ? 0 : 1;
  } finally {
    await world.stop();
  }
}

main().then((code) => process.exit(code), (err) => {
  log(`chaos crashed: ${err instanceof Error ? err.stack : String(err)}`);
  console.log(`SUMMARY chaos: crashed (${err instanceof Error ? err.message : String(err)}) — FAIL`);
  process.exit(1);
});
