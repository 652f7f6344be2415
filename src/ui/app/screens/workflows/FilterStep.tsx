// Step 2, "Only if": narrow the workflow by location, service, resource, status and language, picked from the
// tenant's own data. An empty list means "any".
import { useId, useState } from 'react';
import type { FieldError } from '../../lib/api';
import { filtersInWords, humanize, languageName, STATUSES } from '../../lib/format';
import { useTenant } from '../../lib/tenant';
import type { Filters } from '../../lib/types';
import { Button } from '../../components/ui';
import { useLanguages } from '../../components/BookingSelect';
import { Picker } from '../../components/Picker';
import { errorsUnder } from './draft';
import { StepCard } from './StepCard';

export function FilterStep({ filters, onChange, errors, defaultStatuses }: {
  filters: Filters; onChange(f: Filters): void; errors: FieldError[]; defaultStatuses: string[];
}) {
  const tenant = useTenant();
  const languages = useLanguages(filters.languages);
  const [newLang, setNewLang] = useState('');
  const langInput = useId();
  const set = <K extends keyof Filters>(k: K) => (v: Filters[K]) => onChange({ ...filters, [k]: v });
  const errs = (k: keyof Filters) => errorsUnder(errors, `/filters/${k}`).map((e) => e.message);
  const words = filtersInWords(filters, (kind, id) => tenant.name(kind, id));
  const locName = (id: string) => tenant.name('location', id);
  const statusHint = defaultStatuses.length && !filters.statuses.length
    ? `Any status this trigger runs for (${defaultStatuses.map((s) => humanize(s).toLowerCase()).join(', ')})`
    : 'Any status';

  const addLanguage = () => {
    const tag = newLang.trim();
    if (tag && !filters.languages.includes(tag)) onChange({ ...filters, languages: [...filters.languages, tag] });
    setNewLang('');
  };

  return (
    <StepCard n={2} id="step-if" title="Only if" icon="filter"
      summary={words.length ? `Only for bookings ${words.join(', ')}.` : 'For every booking. Pick below to narrow it down; nothing picked means any.'}>
      <div className="pickers">
        <Picker legend="Locations" anyLabel="Any location" errors={errs('locationIds')} selected={filters.locationIds} onChange={set('locationIds')}
          options={tenant.locations.map((l) => ({ value: l.id, label: l.name }))} />
        <Picker legend="Services" anyLabel="Any service" errors={errs('serviceIds')} selected={filters.serviceIds} onChange={set('serviceIds')}
          options={tenant.services.map((s) => ({ value: s.id, label: s.name }))} />
        <Picker legend="Resources" anyLabel="Any resource" errors={errs('resourceIds')} selected={filters.resourceIds} onChange={set('resourceIds')}
          options={tenant.resources.map((r) => ({ value: r.id, label: tenant.locations.length > 1 ? `${r.name} · ${locName(r.locationId)}` : r.name }))} />
        <Picker legend="Booking statuses" anyLabel={statusHint} errors={errs('statuses')} selected={filters.statuses} onChange={set('statuses')}
          options={STATUSES.map((s) => ({ value: s, label: humanize(s) }))} />
        <Picker legend="Languages" anyLabel="Any language" errors={errs('languages')} selected={filters.languages} onChange={set('languages')}
          options={languages.map((l) => ({ value: l, label: languageName(l) }))}
          extra={(
            <div className="inline-add">
              <label htmlFor={langInput} className="sr-only">Another language (a tag such as de or en-GB)</label>
              <input id={langInput} className="input input-sm" placeholder="Other language, e.g. de" value={newLang}
                onChange={(e) => setNewLang(e.target.value)}
                onKeyDown={(e) => { if (e.key === 'Enter') { e.preventDefault(); addLanguage(); } }} />
              <Button size="sm" onClick={addLanguage} disabled={!newLang.trim()}>Add language</Button>
            </div>
          )} />
      </div>
    </StepCard>
  );
}
