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
import { toEntry, type EntryRow } from './entries.js';
import { acceptOffer, declineOffer } from './offers.js';

type Action = 'accept' | 'decline';

async function secretOf(db: Queryable, tenantId: string): Promise<string | null> {
  return (await one<{ link_secret: string }>(db, 'SELECT link_secret FROM tenants WHERE id = $1', [tenantId]))?.link_secret ?? null;
}

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

function page(res: Response, status: number, title: string, body: string): void {
  res.status(status).type('html').send(`<!doctype html><html lang="en"><head><meta charset="utf-8">
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
  const secret = await secretOf(ds, tenantId);
  const expected = secret ? sign(secret, [tenantId, entryId, action, exp]) : '';
  const valid = Boolean(secret) && sig.length === expected.length && crypto.timingSafeEqual(Buffer.from(sig), Buffer.from(expected));
  const row = valid ? (await one<EntryRow>(ds, 'SELECT * FROM waitlist_entries WHERE tenant_id = $1 AND id = $2', [tenantId, entryId])) ?? null : null;
  return { tenantId, entryId, action, row, valid };
}

function gone(res: Response, row: EntryRow | null): void {
  const why = !row ? 'This offer no longer exists.'
    : row.status === 'ACCEPTED' ? 'You already accepted this offer: your booking is confirmed.'
      : row.status === 'OFFERED' ? 'This link belongs to an earlier offer.'
        : row.offer_expires_at && row.offer_expires_at <= new Date() && row.status === 'EXPIRED' ? 'This offer has expired and the place went to the next person waiting.'
          : 'This offer is no longer open.';
  page(res, 410, 'This offer is no longer available', `<p>${esc(why)}</p>`);
}

export function mountOfferLinks(app: Express, ds: DataSource): void {
  const path = '/w/offers/:tenantId/:entryId/:action';
  app.get(path, async (req, res, next) => {
    try {
      const v = await verify(ds, req);
      if (!v.valid || (v.action !== 'accept' && v.action !== 'decline')) return page(res, 403, 'This link is not valid', '<p>The link is incomplete or was changed. Use the link from your message.</p>');
      const open = v.row && v.row.status === 'OFFERED' && v.row.offer_expires_at!.toISOString() === req.query.exp && v.row.offer_expires_at! > new Date();
      if (!open) return gone(res, v.row);
      const when = `${v.row!.desired_start.toISOString().replace('T', ' ').slice(0, 16)} UTC`;
      const verb = v.action === 'accept' ? 'Accept' : 'Decline';
      page(res, 200, `${verb} the offered place?`, `<p>The place for ${esc(when)} is held for you until ${esc(v.row!.offer_expires_at!.toISOString().replace('T', ' ').slice(0, 16))} UTC.</p>
<form method="post"><button type="submit">${verb}</button></form>`);
    } catch (err) { next(err); }
  });
  app.post(path, express.urlencoded({ extended: false, limit: '1kb' }), async (req, res, next) => {
    try {
      const v = await verify(ds, req);
      if (!v.valid || (v.action !== 'accept' && v.action !== 'decline')) return page(res, 403, 'This link is not valid', '<p>The link is incomplete or was changed.</p>');
      if (!v.row || v.row.offer_expires_at?.toISOString() !== req.query.exp) return gone(res, v.row);
      const origin = { tenantId: v.tenantId };
      try {
        if (v.action === 'accept') {
          await acceptOffer(ds, origin, v.entryId);
          page(res, 200, 'Your place is booked', '<p>Thank you. Your booking is confirmed.</p>');
        } else {
          await declineOffer(ds, origin, v.entryId);
          page(res, 200, 'Offer declined', '<p>Thanks for letting us know. The place goes to the next person waiting.</p>');
        }
      } catch (err) {
        if (err instanceof DomainError && err.status === 409) return gone(res, await one<EntryRow>(ds, 'SELECT * FROM waitlist_entries WHERE tenant_id = $1 AND id = $2', [v.tenantId, v.entryId]) ?? null);
        throw err;
      }
    } catch (err) { next(err); }
  });
}
