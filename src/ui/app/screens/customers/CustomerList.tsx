// Customers: who gets the messages. Their address, number and language decide where and in which language a
// workflow writes, and their opt-outs which channels it skips. Add one, or correct one (a number that bounced).
import { useId, useState } from 'react';
import { qs } from '../../lib/api';
import { languageName } from '../../lib/format';
import { useTenant } from '../../lib/tenant';
import type { Customer } from '../../lib/types';
import { usePagedList } from '../../lib/use-api';
import { PagedTable } from '../../components/PagedTable';
import { Button, Empty, PageHeader } from '../../components/ui';
import { useToast } from '../../components/Toasts';
import { CustomerDialog } from './CustomerDialog';

export function CustomerList() {
  const tenant = useTenant();
  const toast = useToast();
  const [find, setFind] = useState('');
  const [editing, setEditing] = useState<Customer | 'new' | null>(null);
  const searchId = useId();
  const query = qs({ q: find.trim() || undefined, limit: 50 });
  const list = usePagedList<Customer>(`/customers${query}`);
  const rows = list.items;
  return (
    <>
      <PageHeader title="Customers" description="Who gets the messages: their address, number and language decide where and how a workflow writes to them."
        actions={<Button variant="primary" icon="plus" onClick={() => setEditing('new')}>New customer</Button>} />
      <form className="toolbar filters" aria-label="Find customers" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label className="field-label" htmlFor={searchId}>Find</label>
          <input id={searchId} className="input" type="search" value={find} onChange={(e) => setFind(e.target.value)} placeholder="Name, address or number" />
        </div>
      </form>
      <PagedTable list={list} what="Customers" empty={(
        <Empty icon="bookings" title={find.trim() ? 'No customer matches' : 'No customers yet'}>
          {find.trim() ? 'The search looks for a part of the name, address or number.' : 'Customers made through the API appear here; add one with New customer.'}
        </Empty>
      )}>
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
      </PagedTable>
      {editing ? (
        <CustomerDialog customer={editing === 'new' ? null : editing} onClose={() => setEditing(null)}
          onSaved={(c) => {
            setEditing(null);
            toast(`${c.name} saved`);
            // a new customer the search would hide is shown: the search becomes their name
            if (editing === 'new' && find.trim() && !`${c.name} ${c.email ?? ''} ${c.phone ?? ''}`.toLowerCase().includes(find.trim().toLowerCase())) setFind(c.name);
            else list.first.reload({ quiet: true });
          }} />
      ) : null}
    </>
  );
}
