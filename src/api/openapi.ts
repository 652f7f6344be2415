// OpenAPI 3.1, generated from the route declarations (the schemas that validate requests).
import type { RouteSpec } from './route.js';
import { withTenantId } from './route.js';
import { problem, type JSONSchema } from './schemas.js';

const ERRORS: Record<string, string> = {
  400: 'Invalid input: `errors[]` names each invalid field with a JSON pointer',
  401: 'No API key, or an unknown or revoked one',
  403: 'Wrong role, or a tenantId that is not the key\'s tenant',
  404: 'Unknown id (ids of other tenants included)',
  409: 'State conflict (e.g. SLOT_FULL, INVALID_TRANSITION)',
  413: 'Body larger than 1 MB',
  415: 'Body not sent as UTF-8 JSON',
};
const PROBLEM = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };

export function buildOpenApi(routes: RouteSpec[], info: { version: string; basePath: string }): JSONSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = `${info.basePath}${r.path}`.replace(/:(\w+)/g, '{$1}');
    const parameters: unknown[] = [];
    for (const [name, schema] of Object.entries((r.params?.properties ?? {}) as Record<string, JSONSchema>)) {
      parameters.push({ name, in: 'path', required: true, schema });
    }
    const query = withTenantId(r.query, r.access);
    const required = new Set((query?.required as string[]) ?? []);
    for (const [name, schema] of Object.entries((query?.properties ?? {}) as Record<string, JSONSchema>)) {
      parameters.push({ name, in: 'query', required: required.has(name), schema, ...(schema.description ? { description: schema.description } : {}) });
    }
    const body = withTenantId(r.body, r.access);
    const responses: Record<string, unknown> = {};
    for (const [status, resp] of Object.entries(r.responses)) {
      // a route's own error answers (422 TEMPLATE_INVALID, 502 DELIVERY_FAILED) are problems like the rest
      const content = Number(status) >= 400 ? PROBLEM : resp.schema ? { 'application/json': { schema: resp.schema } } : undefined;
      responses[status] = { description: resp.description, ...(content ? { content } : {}) };
    }
    const errorStatuses = r.access === 'public' ? ['400', '404'] : ['400', '401', '403', '404', '409'];
    if (body) errorStatuses.push('413', '415');
    for (const s of errorStatuses) {
      responses[s] ??= { description: ERRORS[s], content: PROBLEM };
    }
    paths[path] ??= {};
    paths[path][r.method] = {
      operationId: `${r.method}${r.path.replace(/:(\w+)/g, '{$1}').replace(/[{}]/g, '').split(/[/_.-]/).filter(Boolean).map((s) => s[0].toUpperCase() + s.slice(1)).join('')}`,
      summary: r.summary,
      ...(r.description ? { description: r.description } : {}),
      tags: [r.tag],
      security: r.access === 'public' ? [] : [{ bearer: [] }],
      'x-access': r.access,
      parameters,
      ...(body ? { requestBody: { required: r.method !== 'post' || Boolean((body.required as string[] | undefined)?.length), content: { 'application/json': { schema: body } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Bookflow API',
      version: info.version,
      description: 'Workflow automation for booking businesses. Errors are application/problem+json with a stable `code`. '
        + 'Lists take `limit` and `cursor` and answer `{ items, nextCursor }`.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'platform key (BOOKFLOW_ADMIN_KEY) or a tenant API key' } },
      schemas: { Problem: problem },
    },
    paths,
  };
}
