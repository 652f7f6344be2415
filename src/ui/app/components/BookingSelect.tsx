// Choosing a booking to preview or test a workflow with: the sample booking, or one of the tenant's recent and
// upcoming bookings. Also the language choice for previews.
import { useMemo } from 'react';
import { api, type Page } from '../lib/api';
import { formatDateTime, humanize, languageName } from '../lib/format';
import { useTenant } from '../lib/tenant';
import type { Booking } from '../lib/types';
import { useLoad } from '../lib/use-api';

export function useRecentBookings() {
  return useLoad(async (signal) => {
    const from = new Date(Date.now() - 30 * 86400_000).toISOString();
    const page = await api.get<Page<Booking>>(`/bookings?limit=200&from=${encodeURIComponent(from)}`, { signal });
    return page.items;
  }, []);
}

export function BookingSelect({ id, value, onChange, sampleLabel = 'Sample booking (made-up data)', ...aria }: {
  id: string; value: string; onChange(v: string): void; sampleLabel?: string | null; 'aria-describedby'?: string;
}) {
  const tenant = useTenant();
  const bookings = useRecentBookings();
  return (
    <select id={id} className="input" value={value} onChange={(e) => onChange(e.target.value)} {...aria}>
      {sampleLabel !== null ? <option value="">{sampleLabel}</option> : <option value="">Choose a booking…</option>}
      {bookings.loading ? <option disabled>Loading bookings…</option> : null}
      {(bookings.data ?? []).map((b) => (
        <option key={b.id} value={b.id}>
          {tenant.name('customer', b.customerId)} · {tenant.name('resource', b.resourceId)} · {formatDateTime(b.startTime, tenant.zoneOf(b.resourceId))} · {humanize(b.status)}
        </option>
      ))}
    </select>
  );
}

/** The languages worth offering: the tenant's default, its customers' and any already used in the workflow. */
export function useLanguages(extra: string[] = []): string[] {
  const tenant = useTenant();
  return useMemo(() => {
    const set = new Set<string>([tenant.settings.defaultLanguage, ...tenant.customers.map((c) => c.language ?? '').filter(Boolean), ...extra]);
    return [...set].filter(Boolean).sort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tenant.settings.defaultLanguage, tenant.customers, extra.join(',')]);
}

export function LanguageSelect({ id, value, onChange, languages, emptyLabel = 'The recipient\'s language' }: {
  id: string; value: string; onChange(v: string): void; languages: string[]; emptyLabel?: string;
}) {
  return (
    <select id={id} className="input" value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">{emptyLabel}</option>
      {languages.map((l) => <option key={l} value={l}>{languageName(l)}</option>)}
    </select>
  );
}
