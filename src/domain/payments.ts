// Payments against bookings. Reaching `completed` records `payment.completed` (once per payment).
import type { DataSource } from 'typeorm';
import type { Queryable } from '../db/data-source.js';
import { one, transaction } from '../db/sql.js';
import { notFound } from './errors.js';
import { record, type Origin } from './events.js';
import { getRow, insertRow, listRows, toApi, updateRow, deleteRow, type Page } from './store.js';

export const PAYMENT_STATUSES = ['pending', 'completed', 'failed', 'refunded'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export interface Payment {
  id: string;
  bookingId: string | null;
  amount: number;
  currency: string;
  status: PaymentStatus;
  completedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

const toPayment = (r: Record<string, unknown>): Payment => {
  const p = toApi<Payment & { amount: unknown }>(r);
  return { ...p, amount: Number(p.amount) };
};

async function recordCompleted(tx: import('typeorm').EntityManager, origin: Origin, p: Payment): Promise<void> {
  const booking = p.bookingId ? await getRow(tx, 'bookings', origin.tenantId, p.bookingId) : undefined;
  await record(tx, origin, {
    type: 'payment.completed',
    subject: { type: p.bookingId ? 'booking' : 'payment', id: p.bookingId ?? p.id },
    data: { payment: p, booking: booking ? toApi(booking) : null },
  });
}

export interface PaymentInput {
  id?: string;
  bookingId?: string | null;
  amount: number;
  currency: string;
  status: PaymentStatus;
}

export async function createPayment(ds: DataSource, origin: Origin, input: PaymentInput): Promise<Payment> {
  return transaction(ds, async (tx) => {
    if (input.bookingId && !(await one(tx, 'SELECT 1 FROM bookings WHERE tenant_id = $1 AND id = $2', [origin.tenantId, input.bookingId]))) {
      throw notFound('booking', input.bookingId, '/bookingId');
    }
    const completedAt = input.status === 'completed' ? new Date() : null;
    const payment = toPayment(await insertRow(tx, 'payments', origin.tenantId, { ...input, completedAt }, { idPrefix: 'pay', what: 'payment' }));
    if (payment.status === 'completed') await recordCompleted(tx, origin, payment);
    return payment;
  });
}

export async function updatePaymentStatus(ds: DataSource, origin: Origin, id: string, status: PaymentStatus): Promise<Payment> {
  return transaction(ds, async (tx) => {
    const before = await getRow(tx, 'payments', origin.tenantId, id, { lock: true });
    if (!before) throw notFound('payment', id);
    if (before.status === status) return toPayment(before);
    const firstCompletion = status === 'completed' && before.completed_at === null;
    const payment = toPayment((await updateRow(tx, 'payments', origin.tenantId, id, { status, ...(firstCompletion ? { completedAt: new Date() } : {}) }, 'payment'))!);
    if (firstCompletion) await recordCompleted(tx, origin, payment);
    return payment;
  });
}

export async function getPayment(db: Queryable, tenantId: string, id: string): Promise<Payment> {
  const r = await getRow(db, 'payments', tenantId, id);
  if (!r) throw notFound('payment', id);
  return toPayment(r);
}

export async function listPayments(db: Queryable, tenantId: string, opts: { bookingId?: string; status?: string; cursor?: string; limit: number }): Promise<Page<Payment>> {
  const page = await listRows(db, 'payments', tenantId, { where: { bookingId: opts.bookingId, status: opts.status }, cursor: opts.cursor, limit: opts.limit });
  return { items: page.items.map(toPayment), nextCursor: page.nextCursor };
}

export async function deletePayment(db: Queryable, tenantId: string, id: string): Promise<void> {
  if (!(await deleteRow(db, 'payments', tenantId, id, 'payment'))) throw notFound('payment', id);
}
