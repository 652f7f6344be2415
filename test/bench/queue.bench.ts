// The baselines (issue 3): what graphile-worker alone does on this machine, with the worker settings every benchmark
// of the run uses.
//  (a)  no-op jobs per second: a backlog of jobs, then a worker started and timed until it ran them all (the median of
//       BENCH_ROUNDS rounds).
//  (a2) "insert a row + add_job in one transaction" per second, on plain node-postgres connections: the floor under
//       any API call that writes a change and enqueues its follow-up (Bookflow's transactional outbox).
//  (a3) jobs that each POST a signed 1.5 KB JSON body to the engine benchmark's sink through axios (kept-alive
//       connections, as Bookflow's): the floor under any job that calls a webhook, before recording anything. Reported
//       beside (b) and the webhook deliveries (no issue sets a target on it).
import http from 'node:http';
import axios from 'axios';
import pg from 'pg';
import { generateSecret, signatureHeaders } from '../../src/delivery/signing.js';
import { addJobs } from '../../src/worker/jobs.js';
import { analyze, cpuMeter, cpuPer, deleteJobs, medianRound, perSecond, type Bench } from './env.js';
import { startPeers } from './peers.js';

const NOOP = 'bench_noop';
const A2_TASK = 'bench_a2';
const A3_TASK = 'bench_http';

/** Runs `n` jobs of `task` (each `work`) from a backlog: the clock runs from the worker's start to the last job's end. */
async function backlogRun(b: Bench, n: number, task: string, work: () => Promise<void>): Promise<{ ms: number; cpu: ReturnType<ReturnType<typeof cpuMeter>['stop']> }> {
  for (let i = 0; i < n; i += 5000) {
    await addJobs(b.ds, Array.from({ length: Math.min(5000, n - i) }, (_, k) => ({ task, payload: { i: i + k } })));
  }
  // As (b) and (e) do before their clocks start: statistics that describe the backlog. Without them the planner
  // serves graphile-worker's job fetches from a fresh table poorly: 4,500-7,000 jobs/s here against 16,000-30,000
  // once ANALYZE (or autovacuum, a round or two later) has run.
  await analyze(b.ds);
  let done = 0;
  let finished!: () => void;
  const all = new Promise<void>((resolve) => { finished = resolve; });
  const cpu = cpuMeter(b.databaseUrl);
  const t0 = performance.now();
  const worker = await b.startWorker({
    [task]: async () => {
      await work();
      if (++done === n) finished();
    },
  });
  await all;
  const ms = performance.now() - t0;
  const used = cpu.stop();
  await worker.stop();
  return { ms, cpu: used };
}

export async function noopThroughput(b: Bench, opts: { jobs: number; rounds: number }) {
  const noop = async () => {};
  await backlogRun(b, Math.min(2000, opts.jobs), NOOP, noop); // warm-up: JIT, prepared statements, the task row
  const rounds = [];
  for (let i = 0; i < opts.rounds; i++) {
    const { ms, cpu } = await backlogRun(b, opts.jobs, NOOP, noop);
    rounds.push({ jobs: opts.jobs, ms: Math.round(ms), jobsPerSecond: perSecond(opts.jobs, ms), cpuMsPerJob: cpuPer(cpu, opts.jobs) });
  }
  return medianRound(rounds, (r) => r.jobsPerSecond);
}

export async function insertAndEnqueue(b: Bench, opts: { clients: number; durationMs: number }) {
  await b.ds.query('CREATE TABLE IF NOT EXISTS bench_rows (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, tenant_id text NOT NULL, data jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())');
  const client = new pg.Pool({ connectionString: b.databaseUrl, max: opts.clients, application_name: 'bench-a2' });
  try {
    const one = async (i: number) => {
      const c = await client.connect();
      try {
        await c.query('BEGIN');
        const { rows } = await c.query<{ id: string }>('INSERT INTO bench_rows (tenant_id, data) VALUES ($1, $2) RETURNING id', ['bench', JSON.stringify({ i })]);
        await c.query("SELECT graphile_worker.add_job($1, json_build_object('id', $2::text))", [A2_TASK, rows[0].id]);
        await c.query('COMMIT');
      } finally {
        c.release();
      }
    };
    // Warm-up: connections and plans; then statistics, as before every other clock.
    await Promise.all(Array.from({ length: opts.clients * 10 }, (_, i) => one(i)));
    await analyze(b.ds);
    let n = 0;
    const cpu = cpuMeter(b.databaseUrl);
    const t0 = performance.now();
    const deadline = t0 + opts.durationMs;
    await Promise.all(Array.from({ length: opts.clients }, async () => {
      while (performance.now() < deadline) await one(n++);
    }));
    const ms = performance.now() - t0;
    return { clients: opts.clients, transactions: n, ms: Math.round(ms), perSecond: perSecond(n, ms), cpuMsPerTransaction: cpuPer(cpu.stop(), n) };
  } finally {
    await client.end();
    await deleteJobs(b.ds, [A2_TASK]);
    await b.ds.query('DROP TABLE IF EXISTS bench_rows');
  }
}

export async function httpJobThroughput(b: Bench, opts: { jobs: number; rounds: number }) {
  const peers = await startPeers();
  const agent = new http.Agent({ keepAlive: true, keepAliveMsecs: 60_000, maxSockets: 32 });
  try {
    const sink = await peers.sink();
    const secret = generateSecret();
    const body = JSON.stringify({ type: 'booking.created', data: { note: 'x'.repeat(1400) } });
    const post = async () => {
      const headers = signatureHeaders({ id: `msg_${Math.random().toString(36).slice(2)}`, timestamp: new Date(), payload: body, secrets: [secret] });
      const res = await axios.post(sink.url, body, { httpAgent: agent, headers: { 'content-type': 'application/json', ...headers }, maxRedirects: 0, proxy: false });
      if (res.status !== 200) throw new Error(`the sink answered ${res.status}`);
    };
    await backlogRun(b, Math.min(2000, opts.jobs), A3_TASK, post); // warm-up
    const rounds = [];
    for (let i = 0; i < opts.rounds; i++) {
      const peers0 = await peers.cpuMs();
      const { ms, cpu } = await backlogRun(b, opts.jobs, A3_TASK, post);
      const sinkMs = (await peers.cpuMs()) - peers0;
      rounds.push({
        jobs: opts.jobs, ms: Math.round(ms), jobsPerSecond: perSecond(opts.jobs, ms),
        cpuMsPerJob: { ...cpuPer(cpu, opts.jobs), sink: Math.round((sinkMs / opts.jobs) * 100) / 100 },
      });
    }
    return medianRound(rounds, (r) => r.jobsPerSecond);
  } finally {
    agent.destroy();
    await peers.close();
  }
}
