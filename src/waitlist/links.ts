// Accept/decline links in offer messages: signed with the tenant's link secret, single-purpose (the action is
// signed), expiring with the offer (its expiry is signed and must still be the entry's), working without a login.
// GET shows a small confirmation page (so link scanners in mail clients cannot act), POST acts.
import crypto from 'node:crypto';
import express, { type Express, type Request, type Response } from 'express';
import type { DataSource } from 'typeorm';
import type { Queryable } from '../db/data-source.js';
import { one } from '../db/sql.js';
import { DomainError } from '../domain/errors.js';
import { onEnrichContext } from '../engine/context.js';
import { formatDateValue } from '../templates/format.js';
import { toEntry, type EntryRow } from './entries.js';
import { acceptOffer, declineOffer } from './offers.js';

type Action = 'accept' | 'decline';

async function secretOf(db: Queryable, tenantId: string): Promise<string | null> {
  return (await one<{ link_secret: string }>(db, 'SELECT link_secret FROM tenants WHERE id = $1', [tenantId]))?.link_secret ?? null;
}

/**
 * Signs the links of a tenant that does not exist: its links are checked like any other (same work, same 403), so an
 * answer never tells which tenant ids exist.
 */
const NO_TENANT_SECRET = crypto.randomBytes(32).toString('hex');

const sign = (secret: string, parts: string[]): string => crypto.createHmac('sha256', secret).update(parts.join('|')).digest('base64url');

export function offerLink(opts: { publicUrl: string; secret: string; tenantId: string; entryId: string; action: Action; expiresAt: string }): string {
  const sig = sign(opts.secret, [opts.tenantId, opts.entryId, opts.action, opts.expiresAt]);
  return `${opts.publicUrl}/w/offers/${encodeURIComponent(opts.tenantId)}/${encodeURIComponent(opts.entryId)}/${opts.action}?exp=${encodeURIComponent(opts.expiresAt)}&sig=${sig}`;
}

// Templates of waitlist workflows see `entry` (as it is now) and, while an offer is open, `offer` with its links.
onEnrichContext(async (db, ctx, env) => {
  const data = ctx.event.data as { entry?: { id?: string } };
  if (!data.entry?.id) return;
  const row = await one<EntryRow>(db, 'SELECT * FROM waitlist_entries WHERE tenant_id = $1 AND id = $2', [ctx.tenant.id, data.entry.id]);
  const entry = row ? toEntry(row) : (data.entry as ReturnType<typeof toEntry>);
  ctx.entry = entry;
  const expiresAt = entry.offerExpiresAt;
  const secret = await secretOf(db, ctx.tenant.id);
  if (!expiresAt || !secret) return;
  const link = (action: Action) => offerLink({ publicUrl: env.publicUrl, secret, tenantId: ctx.tenant.id, entryId: entry.id, action, expiresAt });
  ctx.offer = { expiresAt, acceptUrl: link('accept'), declineUrl: link('decline') };
});

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The pages' words, in the member's language where we have it (Norwegian, else English), and their times in the
 * slot's location's time zone, formatted in the same language: a page in English with Norwegian dates, or in UTC,
 * would not be the page the offer message led to.
 */
const WORDS = {
  en: {
    accept: 'Accept', decline: 'Decline', acceptTitle: 'Accept the offered place?', declineTitle: 'Decline the offered place?',
    held: (place: string, when: string, until: string) => `The place at ${place}, ${when}, is held for you until ${until}.`,
    booked: 'Your place is booked', bookedText: 'Thank you. Your booking is confirmed.',
    declined: 'Offer declined', declinedText: 'Thanks for letting us know. The place goes to the next person waiting.',
    goneTitle: 'This offer is no longer available', noOffer: 'This offer no longer exists.',
    accepted: 'You already accepted this offer: your booking is confirmed.', earlier: 'This link belongs to an earlier offer.',
    expired: 'This offer has expired and the place went to the next person waiting.', closed: 'This offer is no longer open.',
  },
  nb: {
    accept: 'Ta imot', decline: 'Si nei takk', acceptTitle: 'Ta imot plassen?', declineTitle: 'Si nei takk til plassen?',
    held: (place: string, when: string, until: string) => `Plassen på ${place}, ${when}, holdes av til deg til ${until}.`,
    booked: 'Plassen er din', bookedText: 'Takk! Bestillingen din er bekreftet.',
    declined: 'Du har sagt nei takk', declinedText: 'Takk for beskjed. Plassen går til nestemann på ventelisten.',
    goneTitle: 'Tilbudet gjelder ikke lenger', noOffer: 'Dette tilbudet finnes ikke lenger.',
    accepted: 'Du har allerede tatt imot tilbudet: bestillingen din er bekreftet.', earlier: 'Denne lenken hører til et tidligere tilbud.',
    expired: 'Tilbudet har gått ut, og plassen gikk til nestemann på ventelisten.', closed: 'Dette tilbudet er ikke åpent lenger.',
  },
};
type Words = typeof WORDS.en;

interface Reader { lang: string; words: Words; timeZone: string; place: string }

/** Who reads the page: the member's language (else the tenant's), the location's zone (else the tenant's). */
async function readerOf(db: Queryable, row: EntryRow | null, tenantId: string): Promise<Reader> {
  const r = await one<{ language: string | null; time_zone: string | null; place: string | null }>(db, `
    SELECT coalesce(c.language, t.default_language) AS language, coalesce(l.timezone, t.timezone) AS time_zone, res.name AS place
    FROM tenants t
    LEFT JOIN customers c ON c.tenant_id = t.id AND c.id = $2
    LEFT JOIN resources res ON res.tenant_id = t.id AND res.id = $3
    LEFT JOIN locations l ON l.tenant_id = t.id AND l.id = $4
    WHERE t.id = $1`, [tenantId, row?.customer_id ?? null, row?.resource_id ?? null, row?.location_id ?? null]);
  const language = r?.language ?? 'en';
  const norwegian = ['nb', 'no', 'nn'].includes(language.split('-')[0].toLowerCase());
  return { lang: norwegian ? language : 'en', words: norwegian ? WORDS.nb : WORDS.en, timeZone: r?.time_zone ?? 'UTC', place: r?.place ?? '' };
}

const when = (reader: Reader, at: Date, style: 'long' | 'time' = 'long') =>
  formatDateValue({ value: at, style, timeZone: reader.timeZone, fallbackTimeZone: 'UTC', language: reader.lang });

/** The offer pages run no script and load nothing: their own style, and a form that posts to the same link. */
const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

function page(res: Response, status: number, title: string, body: string, lang = 'en'): void {
  res.setHeader('Content-Security-Policy', PAGE_CSP);
  res.status(status).type('html').send(`<!doctype html><html lang="${esc(lang)}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#1f2937}
h1{font-size:1.4rem}button{font:inherit;padding:.6rem 1.2rem;border-radius:.4rem;border:0;background:#2563eb;color:#fff;cursor:pointer}
button:focus-visible{outline:3px solid #93c5fd;outline-offset:2px}.muted{color:#6b7280}</style></head>
<body><main><h1>${esc(title)}</h1>${body}</main></body></html>`);
}

interface Verified { tenantId: string; entryId: string; action: Action; row: EntryRow | null; valid: boolean }

async function verify(ds: DataSource, req: Request): Promise<Verified> {
  const tenantId = String(req.params.tenantId);
  const entryId = String(req.params.entryId);
  const action = String(req.params.action) as Action;
  const exp = String(req.query.exp ?? '');
  const sig = String(req.query.sig ?? '');
  // A NUL is in no link we sign, and Postgres cannot take it in a query (it was a 500).
  if ([tenantId, entryId, exp, sig].some((s) => s.includes('\0'))) return { tenantId, entryId, action, row: null, valid: false };
  const secret = await secretOf(ds, tenantId);
  // Compared as bytes: a signature of non-ASCII characters has as many characters as a real one but more bytes, and
  // timingSafeEqual throws on buffers of different lengths (it was a 500, for existing tenants only).
  const expected = Buffer.from(sign(secret ?? NO_TENANT_SECRET, [tenantId, entryId, action, exp]));
  const given = Buffer.from(sig);
  const valid = secret !== null && given.length === expected.length && crypto.timingSafeEqual(given, expected);
  const row = valid ? (await one<EntryRow>(ds, 'SELECT * FROM waitlist_entries WHERE tenant_id = $1 AND id = $2', [tenantId, entryId])) ?? null : null;
  return { tenantId, entryId, action, row, valid };
}

function gone(res: Response, row: EntryRow | null, reader: Reader): void {
  const w = reader.words;
  const why = !row ? w.noOffer
    : row.status === 'ACCEPTED' ? w.accepted
      : row.status === 'OFFERED' ? w.earlier
        : row.offer_expires_at && row.offer_expires_at <= new Date() && row.status === 'EXPIRED' ? w.expired
          : w.closed;
  page(res, 410, w.goneTitle, `<p>${esc(why)}</p>`, reader.lang);
}

/** Whether the offer ends on the day of the place itself (in the location's zone): then its time says enough. */
function sameDay(reader: Reader, row: EntryRow): boolean {
  const day = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: reader.timeZone, dateStyle: 'short' }).format(d);
  return day(row.offer_expires_at!) === day(row.desired_start);
}

export function mountOfferLinks(app: Express, ds: DataSource): void {
  const path = '/w/offers/:tenantId/:entryId/:action';
  app.get(path, async (req, res, next) => {
    try {
      const v = await verify(ds, req);
      if (!v.valid || (v.action !== 'accept' && v.action !== 'decline')) return page(res, 403, 'This link is not valid', '<p>The link is incomplete or was changed. Use the link from your message.</p>');
      const reader = await readerOf(ds, v.row, v.tenantId);
      const open = v.row && v.row.status === 'OFFERED' && v.row.offer_expires_at!.toISOString() === req.query.exp && v.row.offer_expires_at! > new Date();
      if (!open) return gone(res, v.row, reader);
      const w = reader.words;
      const held = w.held(reader.place, when(reader, v.row!.desired_start), when(reader, v.row!.offer_expires_at!, sameDay(reader, v.row!) ? 'time' : 'long'));
      page(res, 200, v.action === 'accept' ? w.acceptTitle : w.declineTitle, `<p>${esc(held)}</p>
<form method="post"><button type="submit">${esc(v.action === 'accept' ? w.accept : w.decline)}</button></form>`, reader.lang);
    } catch (err) { next(err); }
  });
  app.post(path, express.urlencoded({ extended: false, limit: '1kb' }), async (req, res, next) => {
    try {
      const v = await verify(ds, req);
      if (!v.valid || (v.action !== 'accept' && v.action !== 'decline')) return page(res, 403, 'This link is not valid', '<p>The link is incomplete or was changed.</p>');
      const reader = await readerOf(ds, v.row, v.tenantId);
      if (!v.row || v.row.offer_expires_at?.toISOString() !== req.query.exp) return gone(res, v.row, reader);
      const origin = { tenantId: v.tenantId };
      const w = reader.words;
      try {
        if (v.action === 'accept') {
          await acceptOffer(ds, origin, v.entryId);
          page(res, 200, w.booked, `<p>${esc(w.bookedText)}</p>`, reader.lang);
        } else {
          await declineOffer(ds, origin, v.entryId);
          page(res, 200, w.declined, `<p>${esc(w.declinedText)}</p>`, reader.lang);
        }
      } catch (err) {
        if (err instanceof DomainError && err.status === 409) return gone(res, await one<EntryRow>(ds, 'SELECT * FROM waitlist_entries WHERE tenant_id = $1 AND id = $2', [v.tenantId, v.entryId]) ?? null, reader);
        throw err;
      }
    } catch (err) { next(err); }
  });
}
