// Environment -> typed, validated configuration, read once at boot.
// Every variable documents its default and why. A wrong value stops the boot with one line per problem,
// so an operator never finds out at 3 a.m. that a typo silently fell back to a default.
import path from 'node:path';

export interface Config {
  /** HTTP port (3000). */
  port: number;
  /** Interface to bind (127.0.0.1: a fresh install is not reachable from the network until you say so). */
  host: string;
  /** External Postgres. Unset: an embedded Postgres is started under `dataDir`. */
  databaseUrl: string | null;
  /** Where the embedded database, the generated admin key and the demo key live (./.bookflow). */
  dataDir: string;
  /** Port for the embedded Postgres (unset: a free port, so two instances never collide). */
  embeddedPgPort: number | null;
  /** Platform key that manages tenants. Unset: generated once, saved in the data dir and printed. */
  adminKey: string | null;
  /** Base URL for links in messages and for Twilio status callbacks (http://HOST:PORT). */
  publicUrl: string;
  /** SMTP server for email. Unset: emails are captured in the outbox, not sent. */
  smtpUrl: string | null;
  /** From address for email (bookflow@localhost). */
  mailFrom: string;
  twilio: { accountSid: string; authToken: string; from: string; apiBase: string | null } | null;
  /** Allow webhooks to loopback/private/link-local addresses (false: SSRF guard on). */
  webhookAllowPrivate: boolean;
  /**
   * BOOKFLOW_WEBHOOK_RETRY_SCHEDULE: waits (ms) before each retry of a failed webhook delivery, after the immediate
   * first attempt, e.g. "5s,5m,30m,2h,5h,10h,10h" (the default: eight attempts over about 28 hours, the spacing
   * Standard Webhooks senders use). Tests shorten or stretch it; units ms, s, m, h, d.
   */
  webhookRetrySchedule: number[];
  /** Seed the demo tenant on first start (on by default with the embedded database). */
  demo: boolean;
  /** Worker concurrency per process (8). */
  workerConcurrency: number;
  /** Webhook deliveries in flight per process, in their own pool (32): they mostly wait on other systems. */
  webhookConcurrency: number;
  /** Run the worker inside `serve` (true). */
  embeddedWorker: boolean;
  /**
   * How late a time-offset job (a reminder) may fire before it records `late:worker_down` instead of sending
   * (30 minutes): a reminder hours late, after an outage, is worse than none.
   */
  lateGraceMinutes: number;
}

/** Retries of a failed webhook delivery after the immediate first attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const DEFAULT_WEBHOOK_RETRY_SCHEDULE = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const str = (name: string): string | null => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? null : v.trim();
  };
  const int = (name: string, dflt: number | null, min: number, max: number): number | null => {
    const v = str(name);
    if (v === null) return dflt;
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
      problems.push(`${name}=${JSON.stringify(v)} must be an integer between ${min} and ${max}`);
      return dflt;
    }
    return Number(v);
  };
  const bool = (name: string, dflt: boolean): boolean => {
    const v = str(name);
    if (v === null) return dflt;
    if (/^(1|true|yes|on)$/i.test(v)) return true;
    if (/^(0|false|no|off)$/i.test(v)) return false;
    problems.push(`${name}=${JSON.stringify(v)} must be one of true/false/1/0/yes/no/on/off`);
    return dflt;
  };
  const url = (name: string, protocols: string[]): string | null => {
    const v = str(name);
    if (v === null) return null;
    try {
      const u = new URL(v);
      if (!protocols.includes(u.protocol)) throw new Error('protocol');
      return v;
    } catch {
      problems.push(`${name} must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);
      return null;
    }
  };

  const durations = (name: string, dflt: number[]): number[] => {
    const v = str(name);
    if (v === null) return dflt;
    const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
    const parts = v.split(',').map((p) => /^\s*(\d{1,9})(ms|s|m|h|d)\s*$/.exec(p));
    const ms = parts.map((m) => (m ? Number(m[1]) * unit[m[2]] : NaN));
    if (ms.length > 20 || ms.some((x) => !Number.isFinite(x) || x > 7 * unit.d)) {
      problems.push(`${name}=${JSON.stringify(v)} must be 1 to 20 comma-separated waits such as 5s,5m,2h (units ms, s, m, h, d; each at most 7d)`);
      return dflt;
    }
    return ms;
  };

  const port = int('PORT', 3000, 0, 65535)!;
  const host = str('HOST') ?? '127.0.0.1';
  const databaseUrl = url('DATABASE_URL', ['postgres:', 'postgresql:']);
  const dataDir = path.resolve(str('BOOKFLOW_DATA_DIR') ?? './.bookflow');
  const embeddedPgPort = int('BOOKFLOW_PG_PORT', null, 1, 65535);
  const adminKey = str('BOOKFLOW_ADMIN_KEY');
  if (adminKey !== null && adminKey.length < 16) problems.push('BOOKFLOW_ADMIN_KEY must be at least 16 characters');
  const publicUrl = (url('PUBLIC_URL', ['http:', 'https:']) ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`).replace(/\/+$/, '');
  const smtpUrl = url('SMTP_URL', ['smtp:', 'smtps:']);
  const mailFrom = str('MAIL_FROM') ?? 'Bookflow <bookflow@localhost>';
  const sid = str('TWILIO_ACCOUNT_SID');
  const token = str('TWILIO_AUTH_TOKEN');
  const from = str('TWILIO_FROM');
  const apiBase = url('TWILIO_API_BASE', ['http:', 'https:']);
  let twilio: Config['twilio'] = null;
  if (sid || token || from) {
    if (!sid || !token || !from) {
      problems.push('TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM must be set together');
    } else {
      if (!/^AC[0-9a-fA-F]{32}$/.test(sid)) problems.push('TWILIO_ACCOUNT_SID must look like AC followed by 32 hex digits');
      twilio = { accountSid: sid, authToken: token, from, apiBase };
    }
  }
  const webhookAllowPrivate = bool('BOOKFLOW_WEBHOOK_ALLOW_PRIVATE', false);
  const webhookRetrySchedule = durations('BOOKFLOW_WEBHOOK_RETRY_SCHEDULE', DEFAULT_WEBHOOK_RETRY_SCHEDULE);
  const demo = bool('BOOKFLOW_DEMO', databaseUrl === null);
  const workerConcurrency = int('BOOKFLOW_WORKER_CONCURRENCY', 8, 1, 200)!;
  const webhookConcurrency = int('BOOKFLOW_WEBHOOK_CONCURRENCY', 32, 1, 500)!;
  const embeddedWorker = bool('BOOKFLOW_EMBEDDED_WORKER', true);
  const lateGraceMinutes = int('BOOKFLOW_LATE_GRACE_MINUTES', 30, 0, 100000)!;

  if (problems.length) throw new ConfigError(problems);
  return {
    port, host, databaseUrl, dataDir, embeddedPgPort, adminKey, publicUrl, smtpUrl, mailFrom, twilio,
    webhookAllowPrivate, webhookRetrySchedule, demo, workerConcurrency, webhookConcurrency, embeddedWorker, lateGraceMinutes,
  };
}
