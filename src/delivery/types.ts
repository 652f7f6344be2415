// The ports through which Bookflow reaches the outside world. Actions get them injected (ActionDeps), so a dry run
// can pass capturing ports and nothing leaves the process.
//
// Error contract for every port: throw `DeliveryError` with `permanent: true` when retrying cannot help (invalid
// address, HTTP 4xx, Twilio 21211, SSRF refusal), `permanent: false` when it may (connection refused, timeouts,
// SMTP 4xx, HTTP 5xx, Twilio 5xx). `code` is stable and machine-readable.

export class DeliveryError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly permanent: boolean,
    /** What the provider answered, when it answered (HTTP status, SMTP response code, Twilio error code). */
    readonly detail: { status?: number; providerCode?: number | string; responseBody?: string } = {},
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

export interface EmailMessage {
  to: string;
  /** Defaults to the configured MAIL_FROM. */
  from?: string;
  subject: string;
  text: string;
  html?: string;
  /** Stable per outbox message, so receivers can de-duplicate a retried send: `<id@bookflow>`. */
  messageId: string;
  headers?: Record<string, string>;
}

export interface Mailer {
  /** False when SMTP_URL is unset: messages are captured in the outbox instead of sent. */
  readonly configured: boolean;
  send(msg: EmailMessage): Promise<{ providerId: string; response: string }>;
  close(): Promise<void>;
}

export interface SmsMessage {
  to: string;
  body: string;
  /** Where the provider reports delivery status (delivered, undelivered, failed). */
  statusCallback?: string;
}

export interface SmsSender {
  readonly configured: boolean;
  send(msg: SmsMessage): Promise<{ providerId: string; status: string }>;
  /**
   * A message with exactly this text to this number that the provider was given at or after `since`, or null: what
   * an attempt whose answer was lost (a timeout, a crash) may have sent. Throws DeliveryError when it cannot ask.
   */
  findSent(msg: { to: string; body: string; since: Date }): Promise<{ providerId: string; status: string } | null>;
  /** Verifies a status callback's X-Twilio-Signature for the full callback URL and its form parameters. */
  validateCallback(signature: string, url: string, params: Record<string, string>): boolean;
}

export interface HttpRequest {
  url: string;
  method: 'POST' | 'PUT' | 'PATCH';
  headers: Record<string, string>;
  body: string;
  /** Default 15000. */
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  /** Response body, truncated to the size cap (default 64 KiB read, 4 KiB kept). */
  body: string;
  durationMs: number;
}

export interface HttpSender {
  /**
   * Sends one request: SSRF guard on the resolved address (loopback, private, link-local, multicast and unspecified
   * addresses refused unless allowPrivate), no redirects followed, timeout, response size cap. Non-2xx answers are
   * returned, not thrown; the caller decides (a 3xx is a failure: we never follow redirects).
   */
  send(req: HttpRequest): Promise<HttpResponse>;
}
