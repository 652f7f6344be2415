// Webhook subscriptions: where a tenant wants its events, which ones, and the secret they are signed with.
// The secret is returned once (on create and on rotate) and never shown again.
import type { DataSource } from 'typeorm';
import type { Queryable } from '../db/data-source.js';
import { one, rows, transaction } from '../db/sql.js';
import { refusedOnSave } from '../delivery/http.js';
import { checkCatalogIds } from '../domain/catalog.js';
import { generateSecret } from '../delivery/signing.js';
import { DomainError, notFound } from '../domain/errors.js';
import { deleteRow, insertRow, listRows, updateRow, type Page } from '../domain/store.js';
import { removeJobs } from '../worker/jobs.js';
import { deliveryJobKey } from './jobs.js';

/** How long a rotated-out secret keeps signing alongside the new one (receivers update their config meanwhile). */
export const SECRET_OVERLAP_MS = 24 * 3600_000;

export interface WebhookFilters {
  locationIds: string[];
  serviceIds: string[];
  resourceIds: string[];
  languages: string[];
}

export interface Subscription {
  id: string;
  url: string;
  description: string | null;
  /** Event types, or ["*"] for every one. */
  eventTypes: string[];
  filters: WebhookFilters;
  enabled: boolean;
  /** Why Bookflow disabled it: `gone` (410) or `failing` (5 days of failures); null when enabled or disabled by hand. */
  disabledReason: 'gone' | 'failing' | null;
  disabledAt: string | null;
  /** First failure of the current failing streak; null while the endpoint answers. */
  failingSince: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface SubscriptionInput {
  id?: string;
  url: string;
  eventTypes: string[];
  filters?: Partial<WebhookFilters>;
  description?: string | null;
  enabled?: boolean;
}

export interface SubscriptionRow {
  id: string; url: string; description: string | null; event_types: string[]; filters: Partial<WebhookFilters>; enabled: boolean;
  secret: string; previous_secrets: { secret: string; expiresAt: string }[]; disabled_reason: 'gone' | 'failing' | null;
  disabled_at: Date | null; failing_since: Date | null; created_at: Date; updated_at: Date;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export const emptyWebhookFilters = (): WebhookFilters => ({ locationIds: [], serviceIds: [], resourceIds: [], languages: [] });

export const toSubscription = (r: SubscriptionRow): Subscription => ({
  id: r.id, url: r.url, description: r.description, eventTypes: r.event_types, filters: { ...emptyWebhookFilters(), ...r.filters },
  enabled: r.enabled, disabledReason: r.disabled_reason, disabledAt: iso(r.disabled_at), failingSince: iso(r.failing_since),
  createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
});

/** The secrets that sign an attempt made at `now`: the current one, and rotated-out ones still in their overlap. */
export function signingSecrets(r: Pick<SubscriptionRow, 'secret' | 'previous_secrets'>, now: number): string[] {
  return [r.secret, ...r.previous_secrets.filter((p) => Date.parse(p.expiresAt) > now).map((p) => p.secret)];
}

/** Save-time URL check (scheme, credentials, and private addresses unless allowed), as a 400 naming the field. */
async function checkSubscriptionUrl(url: string, allowPrivate: boolean): Promise<void> {
  const refused = await refusedOnSave(url, allowPrivate);
  if (refused) throw new DomainError(400, 'VALIDATION_FAILED', refused, [{ pointer: '/url', in: 'body', message: refused }]);
}

export async function getSubscriptionRow(db: Queryable, tenantId: string, id: string, opts: { lock?: boolean } = {}): Promise<SubscriptionRow> {
  const r = await one<SubscriptionRow>(db, `SELECT * FROM webhook_subscriptions WHERE tenant_id = $1 AND id = $2${opts.lock ? ' FOR UPDATE' : ''}`, [tenantId, id]);
  if (!r) throw notFound('webhook subscription', id);
  return r;
}

export async function createSubscription(ds: DataSource, tenantId: string, input: SubscriptionInput, opts: { allowPrivate: boolean }): Promise<{ subscription: Subscription; secret: string }> {
  await checkSubscriptionUrl(input.url, opts.allowPrivate);
  await checkCatalogIds(ds, tenantId, input.filters ?? {});
  const secret = generateSecret();
  const r = await insertRow(ds, 'webhook_subscriptions', tenantId, {
    id: input.id, url: input.url, description: input.description ?? null, eventTypes: input.eventTypes,
    filters: JSON.stringify({ ...emptyWebhookFilters(), ...input.filters }), enabled: input.enabled ?? true, secret,
  }, { idPrefix: 'wh', what: 'webhook subscription' });
  return { subscription: toSubscription(r as unknown as SubscriptionRow), secret };
}

export async function listSubscriptions(db: Queryable, tenantId: string, f: { cursor?: string; limit: number }): Promise<Page<Subscription>> {
  const page = await listRows(db, 'webhook_subscriptions', tenantId, { orderBy: 'createdAt', cursor: f.cursor, limit: f.limit });
  return { items: page.items.map((r) => toSubscription(r as unknown as SubscriptionRow)), nextCursor: page.nextCursor };
}

export async function getSubscription(db: Queryable, tenantId: string, id: string): Promise<Subscription> {
  return toSubscription(await getSubscriptionRow(db, tenantId, id));
}

/** Changes any field (`filters` as a whole). Enabling clears why it was disabled and the failing streak: the endpoint gets a fresh start. */
export async function updateSubscription(ds: DataSource, tenantId: string, id: string, patch: Partial<SubscriptionInput>, opts: { allowPrivate: boolean }): Promise<Subscription> {
  if (patch.url !== undefined) await checkSubscriptionUrl(patch.url, opts.allowPrivate);
  return transaction(ds, async (tx) => {
    const before = await getSubscriptionRow(tx, tenantId, id, { lock: true });
    if (patch.filters !== undefined) await checkCatalogIds(tx, tenantId, patch.filters, before.filters);
    const values: Record<string, unknown> = {
      url: patch.url, description: patch.description, eventTypes: patch.eventTypes, enabled: patch.enabled,
      filters: patch.filters === undefined ? undefined : JSON.stringify({ ...emptyWebhookFilters(), ...patch.filters }),
    };
    if (patch.enabled === true && !before.enabled) Object.assign(values, { disabledReason: null, disabledAt: null, failingSince: null });
    if (patch.enabled === false && before.enabled) Object.assign(values, { disabledReason: null, disabledAt: new Date() });
    return toSubscription((await updateRow(tx, 'webhook_subscriptions', tenantId, id, values, 'webhook subscription')) as unknown as SubscriptionRow);
  });
}

/** Deletes the subscription with its delivery log, and the jobs of its pending deliveries. */
export async function deleteSubscription(ds: DataSource, tenantId: string, id: string): Promise<void> {
  await transaction(ds, async (tx) => {
    await getSubscriptionRow(tx, tenantId, id, { lock: true });
    const pending = await rows<{ id: string }>(tx, "SELECT id FROM webhook_deliveries WHERE tenant_id = $1 AND subscription_id = $2 AND status = 'pending'", [tenantId, id]);
    await removeJobs(tx, pending.map((d) => deliveryJobKey(tenantId, d.id)));
    await deleteRow(tx, 'webhook_subscriptions', tenantId, id, 'webhook subscription');
  });
}

/**
 * A new secret, returned once. The previous one keeps signing alongside it for SECRET_OVERLAP_MS (each attempt
 * carries one signature per secret, as the Standard Webhooks spec allows), so receivers can switch without a gap.
 */
export async function rotateSecret(ds: DataSource, tenantId: string, id: string): Promise<{ subscription: Subscription; secret: string; previousSecretExpiresAt: string }> {
  return transaction(ds, async (tx) => {
    const before = await getSubscriptionRow(tx, tenantId, id, { lock: true });
    const now = Date.now();
    const expiresAt = new Date(now + SECRET_OVERLAP_MS).toISOString();
    const previous = [{ secret: before.secret, expiresAt }, ...before.previous_secrets.filter((p) => Date.parse(p.expiresAt) > now)];
    const secret = generateSecret();
    const r = await updateRow(tx, 'webhook_subscriptions', tenantId, id, { secret, previousSecrets: JSON.stringify(previous) }, 'webhook subscription');
    return { subscription: toSubscription(r as unknown as SubscriptionRow), secret, previousSecretExpiresAt: expiresAt };
  });
}
