// Email over SMTP with nodemailer. SMTP_URL unset means "capture, don't send": `configured` is false and callers
// write to the outbox instead of calling `send`.
import nodemailer from 'nodemailer';
import addressparser, { type MailboxAddress } from 'nodemailer/lib/addressparser';
import { DeliveryError, type EmailMessage, type Mailer } from './types.js';

// nodemailer's defaults (2 min to connect, 10 min of socket silence) would hold a worker slot for minutes on a dead
// server; a failed attempt is retried by the job anyway.
const CONNECTION_TIMEOUT_MS = 10_000;
const GREETING_TIMEOUT_MS = 10_000;
const SOCKET_TIMEOUT_MS = 60_000;

export interface MailerOptions {
  /** SMTP_URL, e.g. smtp://user:pass@host:587 or smtps://host:465; null = not configured. */
  smtpUrl: string | null;
  /** MAIL_FROM, used when a message has no `from`. */
  from: string;
}

export function createMailer(opts: MailerOptions): Mailer {
  if (opts.smtpUrl === null) return unconfiguredMailer;

  // Pooled: one worker sends many messages, and reconnecting (and TLS) per message is the slow part of SMTP.
  // Settings in the URL (?pool=false, ?secure=true, credentials) win over these.
  const transport = nodemailer.createTransport({
    url: opts.smtpUrl,
    pool: true,
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    greetingTimeout: GREETING_TIMEOUT_MS,
    socketTimeout: SOCKET_TIMEOUT_MS,
  });

  return {
    configured: true,
    async send(msg: EmailMessage) {
      // Header injection: nodemailer encodes CR/LF in the subject and custom header values (RFC 2047), so user
      // text cannot start a new header line. Addresses are checked here: see singleAddress.
      // test/delivery/mailer.test.ts proves both against a real SMTP server.
      const to = singleAddress('to', msg.to);
      const from = singleAddress('from', msg.from ?? opts.from);
      try {
        const info = await transport.sendMail({
          from,
          to,
          subject: msg.subject,
          text: msg.text,
          ...(msg.html === undefined ? {} : { html: msg.html }),
          // Stable across retries, so a receiver (or its spam filter) can tell a retried send from a new message.
          messageId: msg.messageId,
          ...(msg.headers === undefined ? {} : { headers: msg.headers }),
        });
        return { providerId: String(info.messageId ?? msg.messageId), response: String(info.response ?? '') };
      } catch (err) {
        throw classifySmtpError(err, msg.to);
      }
    },
    async close() {
      transport.close();
    },
  };
}

/**
 * Exactly one mailbox, or a permanent SMTP_INVALID_ADDRESS. Danger: nodemailer does not refuse odd input, it
 * reinterprets it: "ada@x.test\r\nBcc: eve@y.test" parses as a group named "ada@x.test Bcc" holding eve@y.test, and
 * would be delivered to eve only. So control characters, lists and groups are refused, not passed on.
 */
function singleAddress(field: 'to' | 'from', value: string): MailboxAddress {
  const invalid = (why: string) =>
    new DeliveryError('SMTP_INVALID_ADDRESS', `Invalid ${field} address ${JSON.stringify(value)}: ${why}`, true);
  if (/[\x00-\x1f\x7f]/.test(value)) throw invalid('it contains control characters (line breaks?)');
  const parsed = addressparser(value);
  const only = parsed[0];
  if (parsed.length !== 1 || only === undefined || only.group !== undefined) {
    throw invalid('give exactly one address per message');
  }
  if (!/^[^\s@]+@[^\s@]+$/.test(only.address)) throw invalid('it is not an email address');
  return only;
}

const unconfiguredMailer: Mailer = {
  configured: false,
  async send() {
    throw new DeliveryError(
      'SMTP_NOT_CONFIGURED',
      'SMTP_URL is not set, so email cannot be sent: set SMTP_URL, or capture the message in the outbox.',
      true,
    );
  },
  async close() {},
};

interface NodemailerFailure {
  code?: string;
  /** The system error behind a nodemailer code, e.g. ECONNREFUSED behind ESOCKET. */
  originalCode?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}

/** Maps a nodemailer failure onto the DeliveryError contract. Exported for tests and for other mail transports. */
export function classifySmtpError(err: unknown, to: string): DeliveryError {
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as NodemailerFailure;
  const message = e.message ?? 'unknown error';
  const detail = {
    ...(e.responseCode === undefined ? {} : { providerCode: e.responseCode }),
    ...(e.response === undefined ? {} : { responseBody: e.response }),
  };
  // The server's reply code decides first: 5xx is final (550 no such mailbox, 553 bad address, 535 bad
  // credentials), 4xx asks us to try again later (421 busy, 450/451 greylisting or local trouble).
  if (typeof e.responseCode === 'number' && e.responseCode >= 500) {
    return new DeliveryError('SMTP_REJECTED', `The mail server refused the message to ${to}: ${message}`, true, detail);
  }
  if (typeof e.responseCode === 'number' && e.responseCode >= 400) {
    return new DeliveryError(
      'SMTP_TEMPORARY',
      `The mail server deferred the message to ${to}, it will be retried: ${message}`,
      false,
      detail,
    );
  }
  // No reply code: nodemailer refused the envelope itself (an address it cannot parse) or credentials are missing.
  if (e.code === 'EENVELOPE') {
    return new DeliveryError('SMTP_INVALID_ADDRESS', `Invalid email address (to: ${to}): ${message}`, true, detail);
  }
  if (e.code === 'EAUTH' || e.code === 'ENOAUTH') {
    return new DeliveryError('SMTP_AUTH', `SMTP login failed: check the credentials in SMTP_URL. ${message}`, true);
  }
  if (e.code !== undefined && ['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EPROTOCOL'].includes(e.code)) {
    const why = e.originalCode ?? e.code;
    return new DeliveryError('SMTP_CONNECTION', `Could not talk to the mail server (${why}): ${message}`, false);
  }
  // Unknown failures are retried: a duplicate email is better than a lost one, and Message-ID lets receivers
  // de-duplicate.
  return new DeliveryError('SMTP_FAILED', `Sending email to ${to} failed: ${message}`, false, detail);
}
