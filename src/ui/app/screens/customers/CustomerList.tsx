// Customers: who gets the messages. Their address, number and language decide where and in which language a
// workflow writes, and their opt-outs which channels it skips. Add one, or correct one (a number that bounced).
import { useId, useState } from 'react';
import { api, qs, type Page } from '../../lib/api';
import { languageName } from '../../lib/format';
import { useTenant } from '../../lib/tenant';
import type { Customer } from '../../lib/types';
import { useLoad } from '../../lib/use-api';
import { Button, Empty, ErrorBanner, Loading, PageHeader } from '../../components/ui';
import { useToast } from '../../components/Toasts';
import { CustomerDialog } from './CustomerDialog';

export function CustomerList() {
  const tenant = useTenant();
  const toast = useToast();
  const [email, setEmail] = useState('');
  const [extra, setExtra] = useState<{ items: Customer[]; cursor: string | null } | null>(null);
  const [editing, setEditing] = useState<Customer | 'new' | null>(null);
  const searchId = useId();
  const query = qs({ email: email.trim() || undefined, limit: 50 });
  const list = useLoad(async (signal) => {
    setExtra(null);
    return api.get<Page<Customer>>(`/customers${query}`, { signal });
  }, [query]);

  async function more() {
    const cursor = extra?.cursor ?? list.data?.nextCursor;
    if (!cursor) return;
    const p = await api.get<Page<Customer>>(`/customers${query}&cursor=${encodeURIComponent(cursor)}`);
    setExtra((e) => ({ items: [...(e?.items ?? []), ...p.items], cursor: p.nextCursor }));
  }

  const rows = [...(list.data?.items ?? []), ...(extra?.items ?? [])];
  const cursor = extra ? extra.cursor : list.data?.nextCursor;
  return (
    <>
      <PageHeader title="Customers" description="Who gets the messages: their address, number and language decide where and how a workflow writes to them."
        actions={<Button variant="primary" icon="plus" onClick={() => setEditing('new')}>New customer</Button>} />
      <form className="toolbar filters" aria-label="Find customers" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label className="field-label" htmlFor={searchId}>Email</label>
          <input id={searchId} className="input" type="search" value={email} onChange={(e) => setEmail(e.target.value)} placeholder="The exact address" />
        </div>
      </form>
      {list.loading && !list.data ? <Loading label="Loading customers…" /> : null}
      {list.error ? <ErrorBanner error={list.error} title="Customers could not be loaded" onRetry={() => list.reload()} /> : null}
      {list.data && rows.length === 0 ? (
        <Empty icon="bookings" title={email ? 'No customer has this address' : 'No customers yet'}>
          {email ? 'The search matches the whole address.' : 'Customers made through the API appear here; add one with New customer.'}
        </Empty>
      ) : null}
      {rows.length ? (
        <div className="table-wrap card">
          <table className="table" aria-label="Customers">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Phone</th>
                <th scope="col">Language</th>
                <th scope="col">Opted out of</th>
                <th scope="col"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => (
                <tr key={c.id}>
                  <td>{c.name}{c.tier ? <span className="muted small"> · {c.tier}</span> : null}</td>
                  <td>{c.email ?? <span className="muted">—</span>}</td>
                  <td>{c.phone ?? <span className="muted">—</span>}</td>
                  <td>{c.language ? languageName(c.language) : <span className="muted">{languageName(tenant.settings.defaultLanguage)} (default)</span>}</td>
                  <td>{c.optOut.length ? c.optOut.map((x) => x.toUpperCase()).join(', ') : <span className="muted">—</span>}</td>
                  <td className="cell-actions">
                    <Button size="sm" icon="edit" onClick={() => setEditing(c)} aria-label={`Edit customer ${c.name}`}>Edit</Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {cursor ? <div className="table-more"><Button onClick={more}>Load more</Button></div> : null}
        </div>
      ) : null}
      {editing ? (
        <CustomerDialog customer={editing === 'new' ? null : editing} onClose={() => setEditing(null)}
          onSaved={(c) => {
            setEditing(null);
            toast(`${c.name} saved`);
            list.reload({ quiet: true });
          }} />
      ) : null}
    </>
  );
}
