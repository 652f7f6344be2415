// The admin UI's files as a browser fetches them (no Chromium needed): the page names its hashed bundle, which is sent
// compressed to a browser that accepts gzip and as-is to one that does not, byte for byte the same file either way.
import { expect } from 'chai';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { ensureUiBuilt, UI_DIR } from './browser.js';

interface Raw { status: number; headers: http.IncomingHttpHeaders; body: Buffer }

/** A GET whose body is left exactly as it came over the wire (fetch would decompress it). */
function rawGet(url: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

describe('Admin UI files', () => {
  let app: TestApp;
  before(async () => {
    ensureUiBuilt();
    app = await startTestApp();
  });
  after(async () => { await app.stop(); });

  it('sends the bundle gzipped to a browser that accepts it, and the same bytes uncompressed otherwise', async () => {
    const page = await rawGet(`${app.url}/`);
    expect(page.status).to.equal(200);
    const script = /<script[^>]+src="\/ui\/([^"]+\.js)"/.exec(page.body.toString('utf8'))?.[1];
    expect(script, 'the page names its script').to.be.a('string');
    const onDisk = fs.readFileSync(path.join(UI_DIR, 'assets', script!));

    const gz = await rawGet(`${app.url}/ui/${script}`, { 'accept-encoding': 'gzip, deflate, br' });
    expect(gz.status).to.equal(200);
    expect(gz.headers['content-encoding']).to.be.oneOf(['gzip', 'br', 'deflate']);
    expect(gz.body.length).to.be.below(onDisk.length / 2);
    const unzip = { gzip: zlib.gunzipSync, br: zlib.brotliDecompressSync, deflate: zlib.inflateSync }[gz.headers['content-encoding'] as 'gzip'];
    expect(unzip(gz.body).equals(onDisk)).to.equal(true);
    expect(gz.headers['cache-control']).to.contain('immutable');

    const plain = await rawGet(`${app.url}/ui/${script}`, { 'accept-encoding': 'identity' });
    expect(plain.headers['content-encoding']).to.equal(undefined);
    expect(plain.body.equals(onDisk)).to.equal(true);
  });
});
