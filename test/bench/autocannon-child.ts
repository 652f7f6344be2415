// Runs autocannon in its own process (forked by http.bench.ts), so the load generator does not share an event loop
// with the server it measures. Reads its job from argv[2] (JSON), sends the summary back over IPC.
import { createRequire } from 'node:module';

// autocannon ships no types; this is the part of its result we read.
interface AutocannonResult {
  requests: { total: number };
  non2xx: number; errors: number; timeouts: number;
  /** Seconds. */
  duration: number;
  latency: { p50: number; p97_5: number; p99: number; max: number };
}
type Autocannon = (opts: Record<string, unknown>, cb: (err: Error | null, res: AutocannonResult) => void) => unknown;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export interface CannonJob {
  url: string;
  apiKey: string;
  connections: number;
  durationSeconds: number;
  resourceIds: string[];
  customerIds: string[];
  /** Epoch ms of the first slot; request k books resource k mod R at hour floor(k / R): never the same slot twice. */
  base: number;
}

export interface CannonResult {
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  durationMs: number;
  latencyMs: { p50: number; p97_5: number; p99: number; max: number };
  statusCodes: Record<string, number>;
}

const job = JSON.parse(process.argv[2]) as CannonJob;
let k = 0;
const statusCodes: Record<string, number> = {};
const instance = autocannon({
  url: job.url,
  connections: job.connections,
  duration: job.durationSeconds,
  headers: { authorization: `Bearer ${job.apiKey}`, 'content-type': 'application/json' },
  requests: [{
    method: 'POST',
    path: '/api/bookings',
    setupRequest: (req: Record<string, unknown>) => {
      const n = k++;
      const r = job.resourceIds.length;
      const start = job.base + Math.floor(n / r) * 3_600_000;
      req.body = JSON.stringify({
        customerId: job.customerIds[n % job.customerIds.length], resourceId: job.resourceIds[n % r],
        startTime: new Date(start).toISOString(), endTime: new Date(start + 3_000_000).toISOString(),
      });
      return req;
    },
    onResponse: (status: number) => { statusCodes[status] = (statusCodes[status] ?? 0) + 1; },
  }],
}, (err, res) => {
  if (err) {
    process.send!({ error: String(err) });
    return;
  }
  const result: CannonResult = {
    requests: res.requests.total, non2xx: res.non2xx, errors: res.errors, timeouts: res.timeouts, durationMs: res.duration * 1000,
    latencyMs: { p50: res.latency.p50, p97_5: res.latency.p97_5, p99: res.latency.p99, max: res.latency.max },
    statusCodes,
  };
  process.send!({ result }, () => process.exit(0));
});
void instance;
