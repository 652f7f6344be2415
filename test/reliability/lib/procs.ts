// Bookflow processes as a user runs them (`node dist/src/main.js serve|worker`), each logging to its own file.
// Killing is SIGKILL on the child's own pid; a process that exits without being killed is recorded, since
// "recovers without a manual step" means no process may die on its own.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { log, until } from './log.js';

/**
 * Copies the built app (dist without the tests) to `dir`: other people rebuild dist/ while a long suite runs, and a
 * worker restarted in the middle of their build would load half-old, half-new modules. Packages still resolve from
 * the project's node_modules (up the tree). Returns the path of main.js in the copy.
 */
export function snapshotBuild(dir: string): string {
  fs.rmSync(dir, { recursive: true, force: true });
  for (const part of ['src', 'actions', 'triggers', 'migrations', 'ui']) {
    if (fs.existsSync(path.resolve('dist', part))) fs.cpSync(path.resolve('dist', part), path.join(dir, 'dist', part), { recursive: true });
  }
  fs.copyFileSync('package.json', path.join(dir, 'package.json')); // the API reads its version from it
  return path.join(dir, 'dist', 'src', 'main.js');
}

export interface Proc {
  name: string;
  mode: 'serve' | 'worker';
  child: ChildProcess;
  pid: number;
  /** Set when the process ended; `killed` when we did it. */
  exit: { code: number | null; signal: string | null; killed: boolean } | null;
}

export interface ProcessGroup {
  readonly procs: Map<string, Proc>;
  /** Processes that exited without being killed by us: name, code, signal. */
  readonly unexpectedExits: string[];
  start(name: string, mode: 'serve' | 'worker', env?: Record<string, string>): Proc;
  /** SIGKILL, and waits for the exit. */
  kill(name: string): Promise<void>;
  /** Resolves once the worker's heartbeat row is in the database (its pool is running). */
  workerReady(p: Proc, pool: pg.Pool, timeoutMs?: number): Promise<void>;
  serveReady(p: Proc, url: string, timeoutMs?: number): Promise<void>;
  stopAll(): Promise<void>;
}

/**
 * Ends the processes an earlier run of this suite left behind (it was itself killed): by the pids it wrote down, and
 * only when such a pid still runs our copy of the app.
 */
function endLeftovers(pidFile: string, main: string): void {
  if (!fs.existsSync(pidFile)) return;
  for (const pid of fs.readFileSync(pidFile, 'utf8').split('\n').map(Number).filter((n) => n > 0)) {
    try {
      if (fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(main)) {
        process.kill(pid, 'SIGKILL');
        log(`ended pid ${pid}, left running by an earlier run`);
      }
    } catch { /* gone */ }
  }
  fs.rmSync(pidFile);
}

export function processGroup(opts: { main: string; env: Record<string, string>; logDir: string; pidFile: string }): ProcessGroup {
  fs.mkdirSync(opts.logDir, { recursive: true });
  endLeftovers(opts.pidFile, opts.main);
  const procs = new Map<string, Proc>();
  const unexpectedExits: string[] = [];
  const exited = new Map<number, Promise<void>>();

  const group: ProcessGroup = {
    procs,
    unexpectedExits,
    start(name, mode, env = {}) {
      const out = fs.openSync(path.join(opts.logDir, `${name}.log`), 'a');
      // RELIABILITY_NODE_ARGS: extra node flags for the Bookflow processes, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
      const nodeArgs = (process.env.RELIABILITY_NODE_ARGS ?? '').split(' ').filter(Boolean);
      const child = spawn(process.execPath, [...nodeArgs, opts.main, mode], {
        env: { ...process.env, ...opts.env, ...env }, stdio: ['ignore', out, out],
      });
      fs.closeSync(out);
      const p: Proc = { name, mode, child, pid: child.pid!, exit: null };
      fs.appendFileSync(opts.pidFile, `${p.pid}\n`);
      exited.set(p.pid, new Promise<void>((resolve) => child.once('exit', (code, signal) => {
        const killed = p.exit?.killed ?? false;
        p.exit = { code, signal, killed };
        if (!killed) {
          unexpectedExits.push(`${name} (pid ${p.pid}) exited by itself: code ${code}, signal ${signal}`);
          log(`!! ${name} (pid ${p.pid}) exited by itself: code ${code}, signal ${signal}; see ${path.join(opts.logDir, `${name}.log`)}`);
        }
        resolve();
      })));
      procs.set(name, p);
      return p;
    },
    async kill(name) {
      const p = procs.get(name);
      if (!p || p.exit) return;
      p.exit = { code: null, signal: 'SIGKILL', killed: true };
      process.kill(p.pid, 'SIGKILL');
      await exited.get(p.pid);
    },
    async workerReady(p, pool, timeoutMs = 60_000) {
      await until(`${p.name} to beat`, async () => {
        if (p.exit?.killed) return true; // killed by the chaos before it was ready: its restart is queued
        if (p.exit) throw new Error(`${p.name} exited before it was ready`);
        const { rowCount } = await pool.query('SELECT 1 FROM worker_heartbeats WHERE pid = $1 AND last_seen > now() - interval \'20 seconds\'', [p.pid]);
        return rowCount;
      }, { timeoutMs, everyMs: 200 });
    },
    async serveReady(p, url, timeoutMs = 120_000) {
      await until('serve to answer /readyz', async () => {
        if (p.exit) throw new Error(`${p.name} exited before it was ready`);
        return (await fetch(`${url}/readyz`)).ok;
      }, { timeoutMs, everyMs: 250 });
    },
    async stopAll() {
      for (const p of procs.values()) {
        if (p.exit) continue;
        p.exit = { code: null, signal: 'SIGTERM', killed: true };
        process.kill(p.pid, 'SIGTERM');
      }
      const deadline = setTimeout(() => {
        for (const p of procs.values()) if (p.child.exitCode === null && p.child.signalCode === null) process.kill(p.pid, 'SIGKILL');
      }, 15_000);
      await Promise.all([...exited.values()]);
      clearTimeout(deadline);
    },
  };
  return group;
}
