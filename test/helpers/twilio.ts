// A local HTTP server that speaks enough of Twilio's Messages API for the real twilio SDK (point TWILIO_API_BASE at
// `url`), and sends status callbacks signed the way Twilio signs them.
import crypto from 'node:crypto';
import http from 'node:http';
import twilio from 'twilio';

export const TEST_ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';
export const TEST_AUTH_TOKEN = 'test-auth-token-0123456789abcdef';
export const TEST_FROM = '+15005550006';

export interface TwilioRequest {
  method: string;
  path: string;
  /** Form parameters of the request body. */
  params: Record<string, string>;
  /** Basic auth matched TEST_ACCOUNT_SID:TEST_AUTH_TOKEN and the account in the path. */
  authOk: boolean;
  receivedAt: Date;
}

export interface TwilioError {
  status: number;
  code: number;
  message: string;
}

export interface TwilioServer {
  /** Base URL for TWILIO_API_BASE. */
  readonly url: string;
  readonly requests: TwilioRequest[];
  /** Answers the next `n` message creations with this Twilio error. */
  failNext(n: number, error: TwilioError): void;
  /**
   * POSTs a status callback for a created message to the StatusCallback URL it was created with, signed with
   * X-Twilio-Signature. Resolves with the HTTP status the callback endpoint answered.
   */
  sendStatusCallback(sid: string, status: string, opts?: { errorCode?: string }): Promise<number>;
  close(): Promise<void>;
}

const MESSAGES_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;
/** Parameter and the Twilio error code for its absence. */
const REQUIRED_PARAMS: Array<[string, number]> = [
  ['To', 21604],
  ['From', 21603],
  ['Body', 21602],
];

function errorBody(e: TwilioError): string {
  return JSON.stringify({
    code: e.code,
    message: e.message,
    more_info: `https://www.twilio.com/docs/errors/${e.code}`,
    status: e.status,
  });
}

/** Twilio's date format (RFC 2822). */
function rfc2822(d: Date): string {
  return d.toUTCString().replace('GMT', '+0000');
}

function authMatches(header: string | undefined, accountSid: string): boolean {
  const expected = `Basic ${Buffer.from(`${TEST_ACCOUNT_SID}:${TEST_AUTH_TOKEN}`).toString('base64')}`;
  return header === expected && accountSid === TEST_ACCOUNT_SID;
}

export async function startTwilioServer(): Promise<TwilioServer> {
  const requests: TwilioRequest[] = [];
  const created = new Map<string, Record<string, string>>();
  let failures: { remaining: number; error: TwilioError } | null = null;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://local').pathname;
      const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      const match = MESSAGES_PATH.exec(path);
      const authOk = match !== null && authMatches(req.headers.authorization, match[1] ?? '');
      requests.push({ method: req.method ?? '', path, params, authOk, receivedAt: new Date() });

      const answer = (status: number, body: string): void => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(body);
      };
      if (match === null || req.method !== 'POST') {
        return answer(404, errorBody({ status: 404, code: 20404, message: 'The requested resource was not found' }));
      }
      if (!authOk) return answer(401, errorBody({ status: 401, code: 20003, message: 'Authenticate' }));
      if (failures !== null && failures.remaining > 0) {
        failures.remaining--;
        return answer(failures.error.status, errorBody(failures.error));
      }
      const missing = REQUIRED_PARAMS.find(([field]) => !params[field]);
      if (missing !== undefined) {
        const [field, code] = missing;
        return answer(400, errorBody({ status: 400, code, message: `A '${field}' parameter is required.` }));
      }

      const sid = `SM${crypto.randomBytes(16).toString('hex')}`;
      created.set(sid, params);
      const now = rfc2822(new Date());
      answer(
        201,
        JSON.stringify({
          account_sid: TEST_ACCOUNT_SID,
          api_version: '2010-04-01',
          body: params.Body,
          date_created: now,
          date_sent: null,
          date_updated: now,
          direction: 'outbound-api',
          error_code: null,
          error_message: null,
          from: params.From,
          messaging_service_sid: null,
          num_media: '0',
          num_segments: '1',
          price: null,
          price_unit: 'USD',
          sid,
          status: 'queued',
          subresource_uris: { media: `/2010-04-01/Accounts/${TEST_ACCOUNT_SID}/Messages/${sid}/Media.json` },
          to: params.To,
          uri: `/2010-04-01/Accounts/${TEST_ACCOUNT_SID}/Messages/${sid}.json`,
        }),
      );
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('Twilio test server has no TCP address');

  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    failNext(n, error) {
      failures = { remaining: n, error };
    },
    async sendStatusCallback(sid, status, opts = {}) {
      const message = created.get(sid);
      if (message === undefined) throw new Error(`No message ${sid} was created on this server`);
      const callbackUrl = message.StatusCallback;
      if (!callbackUrl) throw new Error(`Message ${sid} was created without a StatusCallback`);
      const params: Record<string, string> = {
        AccountSid: TEST_ACCOUNT_SID,
        ApiVersion: '2010-04-01',
        From: message.From ?? '',
        To: message.To ?? '',
        MessageSid: sid,
        SmsSid: sid,
        MessageStatus: status,
        SmsStatus: status,
        ...(opts.errorCode === undefined ? {} : { ErrorCode: opts.errorCode }),
      };
      const res = await fetch(callbackUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilio.getExpectedTwilioSignature(TEST_AUTH_TOKEN, callbackUrl, params),
        },
        body: new URLSearchParams(params).toString(),
      });
      await res.arrayBuffer(); // drain, so the connection is released
      return res.status;
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
