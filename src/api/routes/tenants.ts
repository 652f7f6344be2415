// Platform routes (the platform key): tenants. Tenant admin routes: API keys and settings.
import { createKey, listKeys, revokeKey } from '../../domain/keys.js';
import { createTenant, getTenant, listTenants, updateSettings } from '../../domain/tenants.js';
import { decodeCursor, encodeCursor, pageQuery } from '../../domain/store.js';
import { defineRoute, type RouteSpec } from '../route.js';
import * as S from '../schemas.js';

export const tenantRoutes: RouteSpec[] = [
  defineRoute({
    method: 'post', path: '/tenants', tag: 'Platform', access: 'platform',
    summary: 'Create a tenant and its first admin API key (the key is shown once)',
    body: S.tenantCreate,
    responses: { 201: { description: 'the tenant, with `apiKey`', schema: S.tenantCreated } },
    handler: async ({ deps, body }) => ({ status: 201, body: await createTenant(deps.ds, body as never) }),
  }),
  defineRoute({
    method: 'get', path: '/tenants', tag: 'Platform', access: 'platform',
    summary: 'List tenants',
    query: S.object(S.pageQuery),
    responses: { 200: { description: 'a page of tenants', schema: S.page(S.tenant) } },
    handler: async ({ deps, query }) => {
      const cursor = decodeCursor(query.cursor);
      const items = await pageQuery(cursor, () => listTenants(deps.ds, { after: cursor?.[1] as string | undefined, limit: query.limit + 1 }));
      const more = items.length > query.limit;
      const page = more ? items.slice(0, query.limit) : items;
      return { body: { items: page, nextCursor: more ? encodeCursor(['tenant', page[page.length - 1].id]) : null } };
    },
  }),
  defineRoute({
    method: 'get', path: '/tenants/:id', tag: 'Platform', access: 'platform',
    summary: 'Get a tenant',
    params: S.idParam,
    responses: { 200: { description: 'the tenant', schema: S.tenant } },
    handler: async ({ deps, params }) => ({ body: await getTenant(deps.ds, params.id) }),
  }),
  // The operator's way back in for a tenant that lost its admin key, or whose key leaked (issue a new one, then
  // revoke the old): without these it took SQL.
  defineRoute({
    method: 'post', path: '/tenants/:id/keys', tag: 'Platform', access: 'platform',
    summary: 'Issue an API key for a tenant (the secret is returned once): for a tenant that lost its admin key',
    params: S.idParam, body: S.apiKeyCreate,
    responses: { 201: { description: 'the key with its `secret`', schema: S.apiKeyCreated } },
    handler: async ({ deps, params, body }) => {
      await getTenant(deps.ds, params.id); // 404 for a tenant that does not exist
      return { status: 201, body: await createKey(deps.ds, params.id, body as never) };
    },
  }),
  defineRoute({
    method: 'get', path: '/tenants/:id/keys', tag: 'Platform', access: 'platform',
    summary: 'List a tenant\'s API keys (no secrets)',
    params: S.idParam, query: S.object(S.pageQuery),
    responses: { 200: { description: 'its keys', schema: S.page(S.apiKey) } },
    handler: async ({ deps, params, query }) => {
      await getTenant(deps.ds, params.id);
      return { body: await listKeys(deps.ds, params.id, query as never) };
    },
  }),
  defineRoute({
    method: 'post', path: '/tenants/:id/keys/:keyId/revoke', tag: 'Platform', access: 'platform',
    summary: 'Revoke one of a tenant\'s API keys (a leaked one); its last admin key stays (409 LAST_ADMIN_KEY: issue another first)',
    params: S.object({ id: S.id, keyId: S.id }, ['id', 'keyId']),
    responses: { 200: { description: 'the revoked key', schema: S.apiKey } },
    handler: async ({ deps, params }) => ({ body: await revokeKey(deps.ds, params.id, params.keyId) }),
  }),

  defineRoute({
    method: 'post', path: '/keys', tag: 'Keys', access: 'admin',
    summary: 'Create an API key (the secret is returned once)',
    body: S.apiKeyCreate,
    responses: { 201: { description: 'the key with its `secret`', schema: S.apiKeyCreated } },
    handler: async ({ deps, tenantId, body }) => ({ status: 201, body: await createKey(deps.ds, tenantId, body as never) }),
  }),
  defineRoute({
    method: 'get', path: '/keys', tag: 'Keys', access: 'admin',
    summary: 'List the tenant\'s API keys (no secrets)',
    query: S.object(S.pageQuery),
    responses: { 200: { description: 'all keys', schema: S.page(S.apiKey) } },
    handler: async ({ deps, tenantId, query }) => ({ body: await listKeys(deps.ds, tenantId, query as never) }),
  }),
  defineRoute({
    method: 'delete', path: '/keys/:id', tag: 'Keys', access: 'admin',
    summary: 'Revoke an API key (it stops working at once)',
    params: S.idParam,
    responses: { 204: { description: 'revoked' } },
    handler: async ({ deps, tenantId, params }) => {
      await revokeKey(deps.ds, tenantId, params.id);
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'post', path: '/keys/:id/revoke', tag: 'Keys', access: 'admin',
    summary: 'Revoke an API key, answering with the revoked key',
    params: S.idParam,
    responses: { 200: { description: 'the revoked key', schema: S.apiKey } },
    handler: async ({ deps, tenantId, params }) => ({ body: await revokeKey(deps.ds, tenantId, params.id) }),
  }),

  defineRoute({
    method: 'get', path: '/settings', tag: 'Settings', access: 'admin',
    summary: 'The tenant\'s settings: name, time zone, default language, admin email',
    responses: { 200: { description: 'settings', schema: S.tenant } },
    handler: async ({ deps, tenantId }) => ({ body: await getTenant(deps.ds, tenantId) }),
  }),
  defineRoute({
    method: 'patch', path: '/settings', tag: 'Settings', access: 'admin',
    summary: 'Change the tenant\'s settings (partial update)',
    body: S.settingsPatch,
    responses: { 200: { description: 'settings as they now are', schema: S.tenant } },
    handler: async ({ deps, tenantId, body }) => ({ body: await updateSettings(deps.ds, tenantId, body as never) }),
  }),
];
