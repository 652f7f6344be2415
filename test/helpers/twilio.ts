// A local HTTP server that speaks enough of Twilio's Messages API for the real twilio SDK (point TWILIO_API_BASE at
// `url`): create a message, list messages by To and From (newest first), and status callbacks signed the way Twilio
// signs them.
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
  /** Answers the next `n` message creations (or with `list`, message lists) with this Twilio error. */
  failNext(n: number, error: TwilioError, opts?: { list?: boolean }): void;
  /**
   * Drops the connection of the next `n` message creations without answering: the caller cannot tell whether the
   * message was taken. With `taken`, it was (as when an answer is lost on its way back).
   */
  loseAnswerNext(n: number, opts: { taken: boolean }): void;
  /** The messages created, oldest first. */
  readonly created: { sid: string; params: Record<string, string> }[];
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

/** A Message resource as Twilio's API shows it. */
function messageJson(sid: string, params: Record<string, string>, at: Date) {
  return {
    account_sid: TEST_ACCOUNT_SID,
    api_version: '2010-04-01',
    body: params.Body,
    date_created: rfc2822(at),
    date_sent: null,
    date_updated: rfc2822(at),
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
  };
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
  const created = new Map<string, { params: Record<string, string>; at: Date }>();
  let failures: { remaining: number; error: TwilioError } | null = null;
  let listFailures: { remaining: number; error: TwilioError } | null = null;
  let losses: { remaining: number; taken: boolean } | null = null;
  const create = (params: Record<string, string>) => {
    const sid = `SM${crypto.randomBytes(16).toString('hex')}`;
    created.set(sid, { params, at: new Date() });
    return sid;
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const requestUrl = new URL(req.url ?? '/', 'http://local');
      const path = requestUrl.pathname;
      const params = req.method === 'GET'
        ? Object.fromEntries(requestUrl.searchParams)
        : Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      const match = MESSAGES_PATH.exec(path);
      const authOk = match !== null && authMatches(req.headers.authorization, match[1] ?? '');
      requests.push({ method: req.method ?? '', path, params, authOk, receivedAt: new Date() });

      const answer = (status: number, body: string): void => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(body);
      };
      if (match === null || (req.method !== 'POST' && req.method !== 'GET')) {
        return answer(404, errorBody({ status: 404, code: 20404, message: 'The requested resource was not found' }));
      }
      if (!authOk) return answer(401, errorBody({ status: 401, code: 20003, message: 'Authenticate' }));
      if (req.method === 'GET') {
        if (listFailures !== null && listFailures.remaining > 0) {
          listFailures.remaining--;
          return answer(listFailures.error.status, errorBody(listFailures.error));
        }
        const pageSize = Math.min(Number(params.PageSize ?? 50), 1000);
        const matching = [...created].filter(([, m]) => (!params.To || m.params.To === params.To) && (!params.From || m.params.From === params.From));
        const uri = `${path}?${requestUrl.searchParams}`;
        return answer(200, JSON.stringify({
          messages: matching.reverse().slice(0, pageSize).map(([sid, m]) => messageJson(sid, m.params, m.at)),
          first_page_uri: uri, next_page_uri: null, previous_page_uri: null, page: 0, page_size: pageSize, start: 0, end: 0, uri,
        }));
      }
      if (losses !== null && losses.remaining > 0) {
        losses.remaining--;
        if (losses.taken) create(params);
        req.socket.destroy();
        return;
      }
      if (failures !== null && failures.remaining > 0) {
        failures.remaining--;
        return answer(failures.error.status, errorBody(failures.error));
      }
      const missing = REQUIRED_PARAMS.find(([field]) => !params[field]);
      if (missing !== undefined) {
        const [field, code] = missing;
        return answer(400, errorBody({ status: 400, code, message: `A '${field}' parameter is required.` }));
      }

      const sid = create(params);
      answer(201, JSON.stringify(messageJson(sid, params, created.get(sid)!.at)));
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
    failNext(n, error, opts = {}) {
      if (opts.list) listFailures = { remaining: n, error };
      else failures = { remaining: n, error };
    },
    loseAnswerNext(n, opts) {
      losses = { remaining: n, taken: opts.taken };
    },
    get created() {
      return [...created].map(([sid, m]) => ({ sid, params: m.params }));
    },
    async sendStatusCallback(sid, status, opts = {}) {
      const message = created.get(sid)?.params;
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
