import { createPayment, deletePayment, getPayment, listPayments, updatePaymentStatus } from '../../domain/payments.js';
import { defineRoute, type RouteSpec } from '../route.js';
import * as S from '../schemas.js';

export const paymentRoutes: RouteSpec[] = [
  defineRoute({
    method: 'post', path: '/payments', tag: 'Payments', access: 'tenant',
    summary: 'Record a payment (a completed one records payment.completed)',
    body: S.paymentCreate,
    responses: { 201: { description: 'the payment', schema: S.payment } },
    handler: async ({ deps, origin, body }) => ({ status: 201, body: await createPayment(deps.ds, origin, body as never) }),
  }),
  defineRoute({
    method: 'get', path: '/payments', tag: 'Payments', access: 'tenant',
    summary: 'List payments',
    query: S.object({ ...S.pageQuery, bookingId: S.id, status: S.paymentStatus }),
    responses: { 200: { description: 'a page of payments', schema: S.page(S.payment) } },
    handler: async ({ deps, tenantId, query }) => ({ body: await listPayments(deps.ds, tenantId, query as never) }),
  }),
  defineRoute({
    method: 'get', path: '/payments/:id', tag: 'Payments', access: 'tenant',
    summary: 'Get a payment', params: S.idParam,
    responses: { 200: { description: 'the payment', schema: S.payment } },
    handler: async ({ deps, tenantId, params }) => ({ body: await getPayment(deps.ds, tenantId, params.id) }),
  }),
  defineRoute({
    method: 'patch', path: '/payments/:id', tag: 'Payments', access: 'tenant',
    summary: 'Change a payment\'s status (the first move to completed records payment.completed)',
    params: S.idParam, body: S.paymentPatch,
    responses: { 200: { description: 'the payment as it now is', schema: S.payment } },
    handler: async ({ deps, origin, params, body }) => ({ body: await updatePaymentStatus(deps.ds, origin, params.id, body.status) }),
  }),
  defineRoute({
    method: 'delete', path: '/payments/:id', tag: 'Payments', access: 'admin',
    summary: 'Delete a payment record', params: S.idParam,
    responses: { 204: { description: 'deleted' } },
    handler: async ({ deps, tenantId, params }) => {
      await deletePayment(deps.ds, tenantId, params.id);
      return { status: 204 };
    },
  }),
];
