// Starts the bench's peers (webhook receivers, sinks) in a child process (./peers-child.ts) and drives them over IPC.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PeerCommand, PeerCounts } from './peers-child.js';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'peers-child.js');

export interface RemoteReceiver {
  url: string;
  setSecrets(secrets: string[]): Promise<void>;
  respondWith(status: number, body?: unknown): Promise<void>;
  /** Forget requests and answer 200 again. */
  reset(): Promise<void>;
}

export interface Peers {
  receivers(n: number): Promise<RemoteReceiver[]>;
  /** A sink answering 200 at once; `hits` counts its requests. */
  sink(): Promise<{ url: string; hits(): Promise<number> }>;
  /** What the receivers got so far (per receiver), and the sinks' requests. */
  counts(): Promise<PeerCounts>;
  /** CPU time (ms) the peers' process used since it started: their share of the machine, reported beside ours. */
  cpuMs(): Promise<number>;
  close(): Promise<void>;
}

export async function startPeers(): Promise<Peers> {
  const child: ChildProcess = fork(CHILD, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let next = 0;
  child.on('message', (m: { id: number; result?: unknown; error?: string }) => {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.error !== undefined) p?.reject(new Error(`bench peers: ${m.error}`));
    else p?.resolve(m.result);
  });
  child.on('exit', (code) => {
    for (const p of pending.values()) p.reject(new Error(`bench peers exited (${code})`));
    pending.clear();
  });
  const ask = <T>(command: PeerCommand): Promise<T> => new Promise<T>((resolve, reject) => {
    const id = ++next;
    pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
    child.send({ id, command });
  });

  return {
    async receivers(n) {
      const started = await ask<{ index: number; url: string }[]>({ cmd: 'receivers', n });
      return started.map(({ index, url }) => ({
        url,
        setSecrets: (secrets) => ask({ cmd: 'setSecrets', receiver: index, secrets }),
        respondWith: (status, body) => ask({ cmd: 'respondWith', receiver: index, status, body }),
        reset: () => ask({ cmd: 'reset', receiver: index }),
      }));
    },
    async sink() {
      const { index, url } = await ask<{ index: number; url: string }>({ cmd: 'sink' });
      return { url, hits: async () => (await ask<PeerCounts>({ cmd: 'counts' })).sinks[index] };
    },
    counts: () => ask<PeerCounts>({ cmd: 'counts' }),
    cpuMs: () => ask<number>({ cmd: 'cpu' }),
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.disconnect();
      await exited;
    },
  };
}
