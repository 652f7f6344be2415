// A real SMTP server for tests (smtp-server on 127.0.0.1, no TLS, no auth). Every accepted message is parsed with
// mailparser and kept, so tests assert on what a mail server actually received.
import { simpleParser, type AddressObject } from 'mailparser';
import { waitForItem } from './wait.js';
import { SMTPServer } from 'smtp-server';

export interface CapturedEmail {
  messageId: string | undefined;
  from: string | undefined;
  /** Addresses from the To header. */
  to: string[];
  /** Addresses from the SMTP envelope (RCPT TO), which is where the server really delivers. */
  envelopeTo: string[];
  subject: string | undefined;
  text: string | undefined;
  html: string | undefined;
  /** Parsed headers, keys lower-case. */
  headers: Map<string, unknown>;
  /** The message exactly as received, headers and body. */
  raw: string;
}

export interface SmtpCapture {
  /** smtp://127.0.0.1:<port>, ready for SMTP_URL. */
  readonly url: string;
  readonly messages: CapturedEmail[];
  /** Resolves with the first message (already received or arriving later) that matches. */
  waitFor(predicate: (m: CapturedEmail) => boolean, timeoutMs?: number): Promise<CapturedEmail>;
  /**
   * Rejects the next `n` messages with `code` (451 temporary, 550 permanent, ...). At DATA by default; at RCPT TO
   * when `opts.at` is 'rcpt' (how most servers refuse an unknown mailbox).
   */
  failNext(n: number, code: number, message: string, opts?: { at?: 'data' | 'rcpt' }): void;
  close(): Promise<void>;
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  const list = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return list.flatMap((a) => a.value.map((v) => v.address ?? ''));
}

export async function startSmtpServer(): Promise<SmtpCapture> {
  const messages: CapturedEmail[] = [];
  const waiters = new Set<() => void>();
  let failures: { remaining: number; code: number; message: string; at: 'data' | 'rcpt' } | null = null;

  function takeFailure(at: 'data' | 'rcpt'): Error | null {
    if (failures === null || failures.at !== at || failures.remaining === 0) return null;
    failures.remaining--;
    return Object.assign(new Error(failures.message), { responseCode: failures.code });
  }

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    // Clients (a pooled nodemailer) may keep connections open; don't let close() wait the default 30 s for them.
    closeTimeout: 200,
    onRcptTo(_address, _session, callback) {
      callback(takeFailure('rcpt'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', callback);
      stream.on('end', () => {
        // The whole message must be read before answering, even when rejecting it.
        const failure = takeFailure('data');
        if (failure) return callback(failure);
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then(
          (parsed) => {
            messages.push({
              messageId: parsed.messageId,
              from: parsed.from?.value[0]?.address,
              to: addresses(parsed.to),
              envelopeTo: session.envelope.rcptTo.map((r) => r.address),
              subject: parsed.subject,
              text: parsed.text,
              html: parsed.html === false ? undefined : parsed.html,
              headers: parsed.headers as Map<string, unknown>,
              raw: raw.toString('utf8'),
            });
            for (const wake of waiters) wake();
            callback();
          },
          (err: Error) => callback(err),
        );
      });
    },
  });
  // A client that drops its connection (a killed worker) must not crash the process hosting this server.
  server.on('error', () => {});

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('SMTP test server has no TCP address');

  return {
    url: `smtp://127.0.0.1:${address.port}`,
    messages,
    waitFor(predicate, timeoutMs = 10_000) {
      return waitForItem(messages, waiters, predicate, timeoutMs, 'email');
    },
    failNext(n, code, message, opts = {}) {
      failures = { remaining: n, code, message, at: opts.at ?? 'data' };
    },
    close() {
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
