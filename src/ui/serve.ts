// Serves the admin UI bundle (built by src/ui/build.mjs) from the same express process as the API.
//
// The UI routes with the URL hash (/#/workflows/...), so the server only answers `/` (index.html) and the hashed
// assets under /ui/. Nothing else is claimed: /api, /graphql, /healthz, /readyz and any page another feature mounts
// stay theirs.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import compression from 'compression';
import express, { type Express, type Response } from 'express';

/** dist/src/ui/serve.js -> dist/ui (and .build-ui/src/ui/serve.js -> .build-ui/ui): next to the compiled server. */
export const UI_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../ui');

// ajv (rjsf's validator) compiles schemas with `new Function`, hence 'unsafe-eval'; rjsf sets inline styles.
// Images may come from anywhere because email previews show the tenant's own HTML (in a sandboxed frame).
const CSP = [
  "default-src 'self'", "script-src 'self' 'unsafe-eval'", "style-src 'self' 'unsafe-inline'", 'img-src * data:',
  "connect-src 'self'", "frame-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'", "form-action 'self'",
].join('; ');

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bookflow</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem">
<h1>The admin UI is not built</h1><p>Run <code>npm run build</code> (or <code>npm start</code>, which builds it) and reload.
The API is available under <a href="/api/docs">/api/docs</a>.</p></body></html>`;

function securityHeaders(res: Response): void {
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
}

export function mountUi(app: Express, opts: { dir?: string } = {}): void {
  const dir = opts.dir ?? UI_DIR;
  // Asset names carry a content hash: cache them for good. Compressed for the browsers that ask (the bundle is
  // ~740 KB, ~240 KB gzipped): a first visit over a slow link should not wait for the raw file.
  app.use('/ui', compression(), express.static(path.join(dir, 'assets'), {
    index: false, immutable: true, maxAge: '365d', fallthrough: true,
    setHeaders: (res) => res.setHeader('X-Content-Type-Options', 'nosniff'),
  }));
  app.get(['/', '/index.html'], (_req, res) => {
    securityHeaders(res);
    res.setHeader('Cache-Control', 'no-cache');
    // Read per request (it is tiny): a rebuild while the server runs is picked up without a restart.
    let html: string;
    try {
      html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
    } catch {
      res.status(503).type('html').send(NOT_BUILT);
      return;
    }
    res.type('html').send(html);
  });
}
