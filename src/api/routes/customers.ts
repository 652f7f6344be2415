import { createCustomer, deleteCustomer, getCustomer, listCustomers, updateCustomer } from '../../domain/customers.js';
import { defineRoute, type RouteSpec } from '../route.js';
import * as S from '../schemas.js';

export const customerRoutes: RouteSpec[] = [
  defineRoute({
    method: 'post', path: '/customers', tag: 'Customers', access: 'tenant',
    summary: 'Create a customer (records customer.created)',
    body: S.customerCreate,
    responses: { 201: { description: 'the customer', schema: S.customer } },
    handler: async ({ deps, origin, body }) => ({ status: 201, body: await createCustomer(deps.ds, origin, body) }),
  }),
  defineRoute({
    method: 'get', path: '/customers', tag: 'Customers', access: 'tenant',
    summary: 'List customers',
    query: S.object({
      ...S.pageQuery, email: { type: 'string', maxLength: 254, description: 'exactly this address' },
      q: { type: 'string', minLength: 1, maxLength: 100, description: 'a part of the name, address or number, any case' },
    }),
    responses: { 200: { description: 'a page of customers', schema: S.page(S.customer) } },
    handler: async ({ deps, tenantId, query }) => ({ body: await listCustomers(deps.ds, tenantId, query as never) }),
  }),
  defineRoute({
    method: 'get', path: '/customers/:id', tag: 'Customers', access: 'tenant',
    summary: 'Get a customer', params: S.idParam,
    responses: { 200: { description: 'the customer', schema: S.customer } },
    handler: async ({ deps, tenantId, params }) => ({ body: await getCustomer(deps.ds, tenantId, params.id) }),
  }),
  defineRoute({
    method: 'patch', path: '/customers/:id', tag: 'Customers', access: 'tenant',
    summary: 'Change a customer', params: S.idParam, body: S.customerPatch,
    responses: { 200: { description: 'the customer as it now is', schema: S.customer } },
    handler: async ({ deps, origin, params, body }) => ({ body: await updateCustomer(deps.ds, origin, params.id, body) }),
  }),
  defineRoute({
    method: 'delete', path: '/customers/:id', tag: 'Customers', access: 'tenant',
    summary: 'Delete a customer (409 IN_USE while they have bookings)', params: S.idParam,
    responses: { 204: { description: 'deleted' } },
    handler: async ({ deps, tenantId, params }) => {
      await deleteCustomer(deps.ds, tenantId, params.id);
      return { status: 204 };
    },
  }),
];
