// Customers: the people who book. Creating one records `customer.created`.
import type { DataSource } from 'typeorm';
import { rows, transaction } from '../db/sql.js';
import { notFound } from './errors.js';
import { record, type Origin } from './events.js';
import { deleteRow, getRow, insertRow, listRows, toApi, updateRow, type Page } from './store.js';
import type { Queryable } from '../db/data-source.js';

export type Channel = 'email' | 'sms';

export interface Customer {
  id: string; name: string; email: string | null; phone: string | null; language: string | null; tier: string | null;
  optOut: Channel[]; createdAt: string; updatedAt: string;
}

/** Hooks run in the transaction of a customer update (the waitlist recomputes scores when the tier changes). */
type UpdatedHook = (tx: import('typeorm').EntityManager, origin: Origin, before: Customer, after: Customer) => Promise<void>;
const updatedHooks: UpdatedHook[] = [];
export function onCustomerUpdated(hook: UpdatedHook): void {
  updatedHooks.push(hook);
}

export async function createCustomer(ds: DataSource, origin: Origin, input: Partial<Customer>): Promise<Customer> {
  return transaction(ds, async (tx) => {
    const customer = toApi<Customer>(await insertRow(tx, 'customers', origin.tenantId, input, { idPrefix: 'cus', what: 'customer' }));
    await record(tx, origin, { type: 'customer.created', subject: { type: 'customer', id: customer.id }, data: { customer } });
    return customer;
  });
}

export async function getCustomer(db: Queryable, tenantId: string, id: string): Promise<Customer> {
  const r = await getRow(db, 'customers', tenantId, id);
  if (!r) throw notFound('customer', id);
  return toApi<Customer>(r);
}

/**
 * Customers, oldest first. `email` is an exact address (the booking site's lookup); `q` finds staff's half-remembered
 * customer: a part of the name, address or number, any case ("kari", "@example", "1234"). `q` reads the tenant's
 * customers (no index matches a part of a name); fine for the thousands a club has.
 */
export async function listCustomers(db: Queryable, tenantId: string, opts: { cursor?: string; limit: number; email?: string; q?: string }): Promise<Page<Customer>> {
  const pattern = opts.q ? `%${opts.q.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const page = await listRows(db, 'customers', tenantId, {
    ...opts, where: { email: opts.email },
    conditions: pattern ? [['(name ILIKE ? OR email ILIKE ? OR phone LIKE ?)', pattern]] : [],
  });
  return { items: page.items.map((r) => toApi<Customer>(r)), nextCursor: page.nextCursor };
}

export async function updateCustomer(ds: DataSource, origin: Origin, id: string, patch: Partial<Customer>): Promise<Customer> {
  return transaction(ds, async (tx) => {
    const beforeRow = await getRow(tx, 'customers', origin.tenantId, id, { lock: true });
    if (!beforeRow) throw notFound('customer', id);
    const after = toApi<Customer>((await updateRow(tx, 'customers', origin.tenantId, id, patch, 'customer'))!);
    for (const hook of updatedHooks) await hook(tx, origin, toApi<Customer>(beforeRow), after);
    return after;
  });
}

/** Adds a channel to a customer's opt-outs (once), e.g. when they replied STOP to an SMS. */
export async function addOptOut(db: Queryable, tenantId: string, id: string, channel: 'email' | 'sms'): Promise<void> {
  await rows(db, `UPDATE customers SET opt_out = array_append(opt_out, $3), updated_at = now()
    WHERE tenant_id = $1 AND id = $2 AND NOT ($3 = ANY(opt_out))`, [tenantId, id, channel]);
}

export async function deleteCustomer(db: Queryable, tenantId: string, id: string): Promise<void> {
  if (!(await deleteRow(db, 'customers', tenantId, id, 'customer'))) throw notFound('customer', id);
}
