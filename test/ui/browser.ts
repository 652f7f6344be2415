// The admin UI in a real headless Chromium (Debian's `chromium`, driven by playwright-core), against a real
// Bookflow. Every page records console errors and page errors; a test fails on any, except the browser's own
// "Failed to load resource" line for an API answer in the 4xx range (validation errors, a wrong key: the UI
// handles those, the browser logs them anyway).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The compiled tests live in <out>/test/ui; the server serves <out>/ui (see src/ui/serve.ts). */
export const UI_DIR = path.resolve(here, '../../ui');
const REPO = path.resolve(here, '../../..');
export const ARTIFACTS = path.join(REPO, 'test/artifacts');

export const CHROMIUM = process.env.BOOKFLOW_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_MISSING = `the admin UI tests need Debian's Chromium at ${CHROMIUM}: install it with \`apt-get update && apt-get install -y chromium\` (or set BOOKFLOW_CHROMIUM to a Chromium binary)`;

export const chromiumAvailable = (): boolean => fs.existsSync(CHROMIUM);

/** The tests run on compiled output: build the UI bundle next to it when it is not there yet. */
export function ensureUiBuilt(): void {
  if (fs.existsSync(path.join(UI_DIR, 'index.html'))) return;
  const r = spawnSync(process.execPath, [path.join(REPO, 'src/ui/build.mjs'), '--outdir', UI_DIR], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building the admin UI failed:\n${r.stdout}\n${r.stderr}`);
}

export interface Browser {
  context: BrowserContext;
  /** A new tab whose console errors and page errors are collected in `errors`. */
  page(opts?: { width?: number; height?: number }): Promise<Page>;
  errors: string[];
  close(): Promise<void>;
}

const ALLOWED = /Failed to load resource: the server responded with a status of 4\d\d/;

export async function launch(): Promise<Browser> {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bookflow-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    viewport: { width: 1366, height: 900 },
    locale: 'en-GB',
  });
  const errors: string[] = [];
  const b: Browser = {
    context,
    errors,
    async page(opts = {}) {
      const page = await context.newPage();
      await page.setViewportSize({ width: opts.width ?? 1366, height: opts.height ?? 900 });
      page.on('console', (msg) => {
        if (msg.type() !== 'error') return;
        const url = msg.location().url ?? '';
        if (ALLOWED.test(msg.text()) && url.includes('/api/')) return;
        errors.push(`console error: ${msg.text()} (${url})`);
      });
      page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
      return page;
    },
    async close() {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
  return b;
}

/** A screenshot for reviewers, from the top of the page. */
export async function screenshot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: opts.fullPage ?? true });
}

/** Signs in through the sign-in form (the key stays in this tab's sessionStorage). */
export async function signIn(page: Page, base: string, key: string): Promise<void> {
  await page.goto(`${base}/`);
  await page.getByLabel('Admin API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Workflows' }).waitFor();
}

/** Keyboard only: presses Tab (or Shift+Tab) until the focused element matches, and says where it got stuck if not. */
export async function tabTo(page: Page, matches: (el: { tag: string; name: string; role: string | null }) => boolean, opts: { back?: boolean; max?: number } = {}): Promise<void> {
  const seen: string[] = [];
  for (let i = 0; i < (opts.max ?? 150); i++) {
    await page.keyboard.press(opts.back ? 'Shift+Tab' : 'Tab');
    const el = await page.evaluate(() => {
      const a = document.activeElement as HTMLElement | null;
      if (!a) return { tag: '', name: '', role: null };
      const labelled = a.getAttribute('aria-label')
        ?? (a.id ? document.querySelector(`label[for="${CSS.escape(a.id)}"]`)?.textContent : null)
        ?? a.textContent ?? '';
      return { tag: a.tagName.toLowerCase(), name: labelled.trim(), role: a.getAttribute('role') };
    });
    seen.push(`${el.tag}:${el.name.slice(0, 30)}`);
    if (matches(el)) return;
  }
  throw new Error(`Tab never reached the element; focus went through: ${seen.join(' | ')}`);
}
