#!/usr/bin/env node
// Builds the admin UI: bundles src/ui/app (React, rjsf, styles) with esbuild into <outdir>/assets and writes
// <outdir>/index.html pointing at the hashed files. Everything is bundled; the page loads nothing from elsewhere.
//
//   node src/ui/build.mjs                    -> dist/ui (what `npm run build` does; served by dist/src/ui/serve.js)
//   node src/ui/build.mjs --outdir .build-ui/ui
//   node src/ui/build.mjs --dev              -> unminified, React's development build
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

export async function buildUi({ outdir = path.join(root, 'dist/ui'), dev = false } = {}) {
  const assets = path.join(outdir, 'assets');
  fs.rmSync(assets, { recursive: true, force: true });
  fs.mkdirSync(assets, { recursive: true });
  const result = await esbuild.build({
    entryPoints: { app: path.join(here, 'app/main.tsx') },
    bundle: true,
    outdir: assets,
    entryNames: '[name]-[hash]',
    format: 'esm',
    target: ['chrome109', 'firefox115', 'safari16'],
    jsx: 'automatic',
    minify: !dev,
    sourcemap: 'linked',
    metafile: true,
    define: { 'process.env.NODE_ENV': JSON.stringify(dev ? 'development' : 'production') },
    logLevel: 'warning',
    absWorkingDir: root,
  });
  const outputs = Object.entries(result.metafile.outputs);
  const pick = (ext) => {
    const found = outputs.find(([file, o]) => o.entryPoint && file.endsWith(ext)) ?? outputs.find(([file]) => file.endsWith(ext));
    if (!found) throw new Error(`the UI build produced no ${ext} file`);
    return path.basename(found[0]);
  };
  const js = pick('.js');
  const css = pick('.css');
  fs.writeFileSync(path.join(outdir, 'index.html'), page({ js, css }));
  return { outdir, js, css };
}

const ICON = 'data:image/svg+xml,' + encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#4f46e5"/>'
  + '<path d="M9 10h9a4 4 0 0 1 0 8h-5m0 0h6a4 4 0 0 1 0 8H9z" fill="none" stroke="#fff" stroke-width="3" stroke-linejoin="round"/></svg>',
);

const page = ({ js, css }) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bookflow</title>
<link rel="icon" href="${ICON}">
<link rel="stylesheet" href="/ui/${css}">
<script type="module" src="/ui/${js}"></script>
</head>
<body>
<div id="root"></div>
<noscript>The Bookflow admin needs JavaScript.</noscript>
</body>
</html>
`;

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--outdir');
  const outdir = at >= 0 ? path.resolve(args[at + 1] ?? '') : undefined;
  if (at >= 0 && !args[at + 1]) {
    console.error('usage: node src/ui/build.mjs [--outdir <dir>] [--dev]');
    process.exit(2);
  }
  const started = Date.now();
  buildUi({ outdir, dev: args.includes('--dev') }).then(
    (r) => console.error(`admin UI built in ${Date.now() - started} ms: ${path.relative(process.cwd(), r.outdir) || '.'}/index.html`),
    (err) => {
      console.error(`the admin UI build failed: ${err.message}`);
      process.exit(1);
    },
  );
}
