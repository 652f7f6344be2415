import os from 'node:os';
import http from 'node:http';
import net from 'node:net';
import { expect } from 'chai';
import { checkUrl, createHttpSender } from '../../src/delivery/http.js';
import { isBlockedAddress } from '../../src/delivery/ssrf.js';
import { DeliveryError, type HttpRequest, type HttpSender } from '../../src/delivery/types.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

function post(url: string, overrides: Partial<HttpRequest> = {}): HttpRequest {
  return { url, method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"n":1}', ...overrides };
}

async function failure(promise: Promise<unknown>): Promise<DeliveryError> {
  try {
    await promise;
  } catch (err) {
    expect(err).to.be.instanceOf(DeliveryError);
    return err as DeliveryError;
  }
  throw new Error('expected a DeliveryError');
}

/** A raw server for answers the receiver helper does not make (endless or trickling bodies). */
async function startRawServer(handler: http.RequestListener) {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('http sender', () => {
  let receiver: WebhookReceiver;
  // The receiver lives on loopback, so everything except the SSRF cases runs with allowPrivate.
  const open: HttpSender = createHttpSender({ allowPrivate: true });
  const guarded: HttpSender = createHttpSender({ allowPrivate: false });

  before(async () => {
    receiver = await startWebhookReceiver();
  });
  beforeEach(() => receiver.reset());
  after(async () => {
    await receiver.close();
  });

  it('sends method, headers and body as given and returns a 2xx', async () => {
    receiver.respondWith(202, { accepted: true });
    const res = await open.send(post(`${receiver.url}/hook?x=1`, { method: 'PUT', headers: { 'x-tenant': 'demo' } }));
    expect(res.status).to.equal(202);
    expect(JSON.parse(res.body)).to.deep.equal({ accepted: true });
    expect(res.durationMs).to.be.a('number');
    const got = receiver.requests[0]!;
    expect(got.method).to.equal('PUT');
    expect(got.path).to.equal('/hook?x=1');
    expect(got.headers['x-tenant']).to.equal('demo');
    expect(got.rawBody).to.equal('{"n":1}');
  });

  it('returns 4xx and 5xx answers instead of throwing', async () => {
    receiver.respondWith(404, 'no such hook', { times: 1 });
    receiver.respondWith(503, 'down', { times: 1 });
    expect((await open.send(post(receiver.url))).status).to.equal(404);
    const res = await open.send(post(receiver.url));
    expect(res.status).to.equal(503);
    expect(res.body).to.equal('down');
  });

  it('does not follow redirects', async () => {
    const elsewhere = await startWebhookReceiver();
    try {
      receiver.redirectTo(`${elsewhere.url}/stolen`);
      const res = await open.send(post(receiver.url));
      expect(res.status).to.equal(302);
      expect(elsewhere.requests).to.have.length(0);
    } finally {
      await elsewhere.close();
    }
  });

  it('a slow receiver is a transient HTTP_TIMEOUT', async () => {
    receiver.slow(5_000);
    const err = await failure(open.send(post(receiver.url, { timeoutMs: 200 })));
    expect(err.code).to.equal('HTTP_TIMEOUT');
    expect(err.permanent).to.equal(false);
  });

  // axios' own timeout only notices silence; a body dripping in forever must still hit the deadline.
  it('a body that trickles past the deadline is a transient HTTP_TIMEOUT', async () => {
    const drip = await startRawServer((_req, res) => {
      res.writeHead(200);
      const timer = setInterval(() => res.write('.'), 20);
      res.on('close', () => clearInterval(timer));
    });
    try {
      const err = await failure(open.send(post(drip.url, { timeoutMs: 300 })));
      expect(err.code).to.equal('HTTP_TIMEOUT');
    } finally {
      await drip.close();
    }
  });

  it('keeps the first 4 KiB of a large answer', async () => {
    receiver.respondWith(200, 'x'.repeat(200_000));
    const res = await open.send(post(receiver.url));
    expect(res.status).to.equal(200);
    expect(res.body).to.have.length(4096);
  });

  it('stops reading an endless answer at the size cap', async () => {
    const endless = await startRawServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = 'y'.repeat(16 * 1024);
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    try {
      const res = await createHttpSender({ allowPrivate: true, maxResponseBytes: 32 * 1024 }).send(post(endless.url));
      expect(res.status).to.equal(200);
      expect(res.body).to.have.length(4096);
    } finally {
      await endless.close();
    }
  });

  it('reuses a connection to the receiver, and sends once more on a new one when the receiver closed a reused one', async () => {
    const requestsOn = new Map<net.Socket, number>();
    const server = await startRawServer((req, res) => {
      const n = (requestsOn.get(req.socket) ?? 0) + 1;
      requestsOn.set(req.socket, n);
      if (n === 3) {
        req.socket.destroy(); // the receiver drops the connection as the third request on it arrives, unanswered
        return;
      }
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    try {
      const sender = createHttpSender({ allowPrivate: true });
      for (let i = 0; i < 2; i++) expect((await sender.send(post(server.url))).status).to.equal(200);
      expect([...requestsOn.values()]).to.deep.equal([2]);
      expect((await sender.send(post(server.url))).status).to.equal(200);
      expect([...requestsOn.values()]).to.deep.equal([3, 1]);
    } finally {
      await server.close();
    }
  });

  it('keeps at most 32 requests in flight to one origin; the rest wait for a connection and go out', async () => {
    receiver.slow(100);
    const sender = createHttpSender({ allowPrivate: true });
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => sender.send(post(`${receiver.url}/burst/${i}`))));
    expect(answers.map((a) => a.status)).to.deep.equal(Array(40).fill(200));
    expect(receiver.peakInFlight).to.equal(32);
  });

  it('does not send again when a new connection fails before an answer', async () => {
    let requests = 0;
    const server = await startRawServer((req) => {
      requests++;
      req.socket.destroy();
    });
    try {
      const err = await failure(createHttpSender({ allowPrivate: true }).send(post(server.url)));
      expect(err).to.include({ code: 'HTTP_CONNECTION', permanent: false });
      expect(requests).to.equal(1);
    } finally {
      await server.close();
    }
  });

  it('a refused connection is a transient HTTP_CONNECTION', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const err = await failure(open.send(post(`http://127.0.0.1:${port}/`)));
    expect(err.code).to.equal('HTTP_CONNECTION');
    expect(err.permanent).to.equal(false);
  });

  it('refuses other schemes and URLs with credentials', async () => {
    for (const url of ['ftp://example.com/x', 'file:///etc/passwd', 'http://user:pw@example.com/', 'not a url']) {
      const err = await failure(open.send(post(url)));
      expect(err.code, url).to.equal('URL_INVALID');
      expect(err.permanent, url).to.equal(true);
    }
  });

  it('refuses invalid header names and values (no header injection)', async () => {
    const cases: Record<string, string>[] = [{ 'x-a': 'a\r\nX-Injected: 1' }, { 'bad header': 'a' }];
    for (const headers of cases) {
      const err = await failure(open.send(post(receiver.url, { headers })));
      expect(err.code).to.equal('HTTP_INVALID_REQUEST');
      expect(err.permanent).to.equal(true);
    }
    expect(receiver.requests).to.have.length(0);
  });

  describe('SSRF guard', () => {
    const port = (): string => new URL(receiver.url).port;
    const refused = (): string[] => [
      `http://127.0.0.1:${port()}/`,
      `http://localhost:${port()}/`, // a name that resolves to loopback: caught at connect time
      `https://localhost:${port()}/`, // the same through the https agent
      `http://[::1]:${port()}/`,
      `http://[::ffff:127.0.0.1]:${port()}/`,
      `http://0.0.0.0:${port()}/`,
      `http://2130706433:${port()}/`, // 127.0.0.1 as a number
      'http://10.1.2.3/',
      'http://169.254.169.254/latest/meta-data/',
      'https://192.168.1.1/',
    ];

    it('refuses loopback, private and link-local targets when private addresses are not allowed', async () => {
      for (const url of refused()) {
        const err = await failure(guarded.send(post(url, { timeoutMs: 2_000 })));
        expect(err.code, url).to.equal('SSRF_BLOCKED');
        expect(err.permanent, url).to.equal(true);
        expect(err.message, url).to.contain('BOOKFLOW_WEBHOOK_ALLOW_PRIVATE');
      }
      expect(receiver.requests).to.have.length(0);
    });

    it('checkUrl refuses the same targets ahead of time', async () => {
      for (const url of refused()) {
        const err = await failure(checkUrl(url, false));
        expect(err.code, url).to.equal('SSRF_BLOCKED');
      }
    });

    it('names the resolved address when a host name resolves to a refused one', async () => {
      const err = await failure(guarded.send(post(`http://localhost:${port()}/`)));
      expect(err.message).to.match(/localhost \((127\.0\.0\.1|::1)\)/);
    });

    it('allows them all when private addresses are allowed', async () => {
      for (const url of refused()) await checkUrl(url, true);
      expect((await open.send(post(`http://127.0.0.1:${port()}/`))).status).to.equal(200);
      expect((await open.send(post(`http://localhost:${port()}/`))).status).to.equal(200);
    });

    it('classifies addresses', () => {
      const blocked = ['127.0.0.1', '127.255.0.9', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.0.1',
        '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::', '::1', 'fc00::1',
        'fd12:3456::1', 'fe80::1', 'fe80::1%eth0', 'ff02::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1',
        '::ffff:169.254.169.254', 'not-an-ip',
        // special-purpose ranges a network may still route (to itself), and IPv4 carried in IPv6 (NAT64, 6to4)
        '192.0.0.170', '192.0.2.2', '198.18.0.1', '198.19.255.1', '198.51.100.7', '203.0.113.9', '2001::1', '2001:db8::1',
        '64:ff9b::7f00:1', '64:ff9b::127.0.0.1', '64:ff9b::a9fe:a9fe', '2002:7f00:1::', '2002:c0a8:101::1', '64:ff9b:1::1'];
      const allowed = ['93.184.216.34', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8',
        '64:ff9b::808:808', '64:ff9b::8.8.8.8', '2002:808:808::1', '198.20.0.1'];
      for (const a of blocked) expect(isBlockedAddress(a), a).to.equal(true);
      for (const a of allowed) expect(isBlockedAddress(a), a).to.equal(false);
    });

    it("refuses this host's own addresses, on every interface (they reach its local services)", () => {
      const mine = Object.values(os.networkInterfaces()).flat().filter((i) => i && !i.internal).map((i) => i!.address);
      if (!mine.length) return; // a host with only loopback: covered above
      for (const a of mine) expect(isBlockedAddress(a), a).to.equal(true);
    });
  });
});
