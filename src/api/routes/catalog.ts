// Locations, services and resources: CRUD, tenant-scoped (any tenant key may read; admin keys write), and a
// resource's free seats over a time.
import { seatsOver } from '../../domain/capacity.js';
import { locations, resources, services } from '../../domain/catalog.js';
import { invalid } from '../../domain/errors.js';
import { defineRoute, type RouteSpec } from '../route.js';
import * as S from '../schemas.js';
import type { JSONSchema } from '../schemas.js';

interface Crud {
  create(db: unknown, tenantId: string, input: Record<string, unknown>): Promise<unknown>;
  get(db: unknown, tenantId: string, id: string): Promise<unknown>;
  list(db: unknown, tenantId: string, opts: { cursor?: string; limit: number; where?: Record<string, unknown> }): Promise<unknown>;
  update(db: unknown, tenantId: string, id: string, patch: Record<string, unknown>): Promise<unknown>;
  remove(db: unknown, tenantId: string, id: string): Promise<void>;
}

function crudRoutes(opts: {
  path: string; tag: string; what: string; entity: JSONSchema; create: JSONSchema; patch: JSONSchema; store: Crud;
  listFilters?: Record<string, JSONSchema>;
  update?: RouteSpec['handler'];
}): RouteSpec[] {
  const { path, tag, what, store } = opts;
  return [
    defineRoute({
      method: 'post', path, tag, access: 'admin', summary: `Create a ${what}`, body: opts.create,
      responses: { 201: { description: `the ${what}`, schema: opts.entity } },
      handler: async ({ deps, tenantId, body }) => ({ status: 201, body: await store.create(deps.ds, tenantId, body) }),
    }),
    defineRoute({
      method: 'get', path, tag, access: 'tenant', summary: `List ${what}s`,
      query: S.object({ ...S.pageQuery, ...opts.listFilters }),
      responses: { 200: { description: `a page of ${what}s`, schema: S.page(opts.entity) } },
      handler: async ({ deps, tenantId, query }) => {
        const { cursor, limit, ...where } = query;
        return { body: await store.list(deps.ds, tenantId, { cursor, limit, where }) };
      },
    }),
    defineRoute({
      method: 'get', path: `${path}/:id`, tag, access: 'tenant', summary: `Get a ${what}`, params: S.idParam,
      responses: { 200: { description: `the ${what}`, schema: opts.entity } },
      handler: async ({ deps, tenantId, params }) => ({ body: await store.get(deps.ds, tenantId, params.id) }),
    }),
    defineRoute({
      method: 'patch', path: `${path}/:id`, tag, access: 'admin', summary: `Change a ${what}`, params: S.idParam, body: opts.patch,
      responses: { 200: { description: `the ${what} as it now is`, schema: opts.entity } },
      handler: opts.update ?? (async ({ deps, tenantId, params, body }) => ({ body: await store.update(deps.ds, tenantId, params.id, body) })),
    }),
    defineRoute({
      method: 'delete', path: `${path}/:id`, tag, access: 'admin', summary: `Delete a ${what} (409 IN_USE while anything refers to it)`, params: S.idParam,
      responses: { 204: { description: 'deleted' } },
      handler: async ({ deps, tenantId, params }) => {
        await store.remove(deps.ds, tenantId, params.id);
        return { status: 204 };
      },
    }),
  ];
}

export const catalogRoutes: RouteSpec[] = [
  ...crudRoutes({ path: '/locations', tag: 'Locations', what: 'location', entity: S.location, create: S.locationCreate, patch: S.locationPatch, store: locations as Crud }),
  ...crudRoutes({ path: '/services', tag: 'Services', what: 'service', entity: S.service, create: S.serviceCreate, patch: S.servicePatch, store: services as Crud }),
  ...crudRoutes({
    path: '/resources', tag: 'Resources', what: 'resource', entity: S.resource, create: S.resourceCreate, patch: S.resourcePatch,
    store: resources as unknown as Crud,
    listFilters: { locationId: S.id },
    // Capacity changes serialize on the resource and may free seats.
    update: async ({ deps, origin, params, body }) => ({ body: await resources.update(deps.ds, origin, params.id, body) }),
  }),
  defineRoute({
    method: 'get', path: '/resources/:id/seats', tag: 'Resources', access: 'tenant',
    summary: 'Free seats of a resource over a time: what a booking (or a waitlist offer) there would find',
    description: 'The resource\'s capacity, the most seats in use at any instant of [from, to) (bookings that hold capacity and open '
      + 'waitlist offers) and how many are free. A hint: a booking made afterwards is checked again.',
    params: S.idParam,
    query: S.object({ from: S.dateTime, to: S.dateTime }, ['from', 'to']),
    responses: { 200: { description: 'the seats', schema: S.object({ capacity: { type: 'integer' }, used: { type: 'integer' }, free: { type: 'integer' } }, ['capacity', 'used', 'free']) } },
    handler: async ({ deps, tenantId, params, query }) => {
      if (Date.parse(query.to) <= Date.parse(query.from)) throw invalid('to must be after from', [{ pointer: '/to', in: 'query', message: 'must be after from' }]);
      return { body: await seatsOver(deps.ds.manager, { tenantId, resourceId: params.id, start: query.from, end: query.to }) };
    },
  }),
];
