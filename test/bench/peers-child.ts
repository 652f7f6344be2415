// The bench's peers in their own process (forked by peers.ts): the webhook receivers that verify every signature
// with `standardwebhooks`, and the plain sink of the engine benchmarks. Real endpoints are other systems; run in the
// bench's process they would share its event loop with the worker they measure. Commands come over IPC.
import http from 'node:http';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

export type PeerCommand =
  | { cmd: 'receivers'; n: number }
  | { cmd: 'sink' }
  | { cmd: 'setSecrets'; receiver: number; secrets: string[] }
  | { cmd: 'respondWith'; receiver: number; status: number; body?: unknown }
  | { cmd: 'reset'; receiver: number }
  | { cmd: 'counts' }
  | { cmd: 'cpu' };

export interface PeerCounts {
  /** Per receiver: requests received, and of them verified. */
  receivers: { received: number; verified: number }[];
  /** Per sink: requests. */
  sinks: number[];
}

/** A local HTTP sink answering 200 at once; counts requests. */
async function startSink(): Promise<{ url: string; hits(): number; close(): Promise<void> }> {
  let hits = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      hits++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hook`,
    hits: () => hits,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const receivers: WebhookReceiver[] = [];
const sinks: Awaited<ReturnType<typeof startSink>>[] = [];

async function handle(c: PeerCommand): Promise<unknown> {
  switch (c.cmd) {
    case 'receivers': {
      const started = await Promise.all(Array.from({ length: c.n }, () => startWebhookReceiver()));
      receivers.push(...started);
      return started.map((r) => ({ index: receivers.indexOf(r), url: r.url }));
    }
    case 'sink': {
      const sink = await startSink();
      sinks.push(sink);
      return { index: sinks.length - 1, url: sink.url };
    }
    case 'setSecrets': return receivers[c.receiver].setSecrets(c.secrets);
    case 'respondWith': return receivers[c.receiver].respondWith(c.status, c.body);
    case 'reset': return receivers[c.receiver].reset();
    case 'counts': return {
      receivers: receivers.map((r) => ({ received: r.requests.length, verified: r.requests.filter((q) => q.verified).length })),
      sinks: sinks.map((s) => s.hits()),
    } satisfies PeerCounts;
    case 'cpu': {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    }
  }
}

process.on('message', (m: { id: number; command: PeerCommand }) => {
  handle(m.command).then(
    (result) => process.send!({ id: m.id, result: result ?? null }),
    (err: unknown) => process.send!({ id: m.id, error: err instanceof Error ? err.message : String(err) }),
  );
});
process.on('disconnect', () => process.exit(0));
