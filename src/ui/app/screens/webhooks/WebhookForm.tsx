// Subscribe an endpoint to events, or change a subscription: URL, description, event types (from the server's own
// list in its OpenAPI document, so new event types appear without UI code) and the same filters as workflows.
import { useMemo, useState } from 'react';
import { api } from '../../lib/api';
import { useSave } from '../../lib/use-api';
import { humanize, languageName } from '../../lib/format';
import { useTenant } from '../../lib/tenant';
import { useLanguages } from '../../components/BookingSelect';
import { Dialog } from '../../components/Dialog';
import { Picker } from '../../components/Picker';
import { Button, ErrorBanner, Field } from '../../components/ui';
import type { Subscription } from './types';

function eventTypesOf(openapi: Record<string, any> | null): string[] {
  const schema = openapi?.paths?.['/api/webhooks']?.post?.requestBody?.content?.['application/json']?.schema;
  const list = schema?.properties?.eventTypes?.items?.enum;
  return Array.isArray(list) ? list.filter((t: unknown) => typeof t === 'string' && t !== '*') : [];
}

export function WebhookForm({ subscription, onClose, onSaved }: {
  subscription: Subscription | null; onClose(): void; onSaved(s: Subscription & { secret?: string }): void;
}) {
  const tenant = useTenant();
  const [url, setUrl] = useState(subscription?.url ?? 'https://');
  const [description, setDescription] = useState(subscription?.description ?? '');
  const [all, setAll] = useState(subscription ? subscription.eventTypes.includes('*') : false);
  const [types, setTypes] = useState<string[]>(subscription?.eventTypes.filter((t) => t !== '*') ?? []);
  const [filters, setFilters] = useState(subscription?.filters ?? { locationIds: [], serviceIds: [], resourceIds: [], languages: [] });
  const { busy, error, errors, run } = useSave();
  const eventTypes = useMemo(() => eventTypesOf(tenant.features.openapi), [tenant.features.openapi]);
  const languages = useLanguages(filters.languages);
  const errs = (prefix: string) => errors.filter((e) => e.pointer === prefix || e.pointer.startsWith(`${prefix}/`)).map((e) => e.message);

  const save = () => run(async () => {
    const body = { url: url.trim(), description: description.trim() || null, eventTypes: all ? ['*'] : types, filters };
    const saved = subscription
      ? await api.patch<Subscription>(`/webhooks/${encodeURIComponent(subscription.id)}`, body)
      : await api.post<Subscription & { secret: string }>('/webhooks', body);
    onSaved(saved);
  });

  return (
    <Dialog open wide title={subscription ? 'Change the webhook' : 'New webhook'} onClose={onClose}
      footer={<><Button onClick={onClose}>Cancel</Button><Button variant="primary" busy={busy} onClick={save}>{subscription ? 'Save changes' : 'Create webhook'}</Button></>}>
      <ErrorBanner error={error} title="The webhook was not saved" />
      <Field label="Endpoint URL" errors={errs('/url')} hint="Bookflow POSTs each event here, signed per the Standard Webhooks spec.">
        {(p) => <input {...p} className="input mono" type="url" value={url} onChange={(e) => setUrl(e.target.value)} spellCheck={false} />}
      </Field>
      <Field label="Description (optional)" errors={errs('/description')}>
        {(p) => <input {...p} className="input" value={description} maxLength={2000} onChange={(e) => setDescription(e.target.value)} placeholder="e.g. Sync to our CRM" />}
      </Field>
      <label className="check-inline">
        <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} />
        Every event, including types added later
      </label>
      {!all ? (
        <Picker legend="Events" anyLabel="Pick at least one" errors={errs('/eventTypes')} selected={types} onChange={setTypes}
          options={eventTypes.map((t) => ({ value: t, label: humanize(t) }))} />
      ) : null}
      <div className="pickers">
        <Picker legend="Locations" anyLabel="Any location" errors={errs('/filters/locationIds')} selected={filters.locationIds}
          onChange={(v) => setFilters({ ...filters, locationIds: v })} options={tenant.locations.map((l) => ({ value: l.id, label: l.name }))} />
        <Picker legend="Services" anyLabel="Any service" errors={errs('/filters/serviceIds')} selected={filters.serviceIds}
          onChange={(v) => setFilters({ ...filters, serviceIds: v })} options={tenant.services.map((s) => ({ value: s.id, label: s.name }))} />
        <Picker legend="Resources" anyLabel="Any resource" errors={errs('/filters/resourceIds')} selected={filters.resourceIds}
          onChange={(v) => setFilters({ ...filters, resourceIds: v })} options={tenant.resources.map((r) => ({ value: r.id, label: r.name }))} />
        <Picker legend="Languages" anyLabel="Any language" errors={errs('/filters/languages')} selected={filters.languages}
          onChange={(v) => setFilters({ ...filters, languages: v })} options={languages.map((l) => ({ value: l, label: languageName(l) }))} />
      </div>
    </Dialog>
  );
}
