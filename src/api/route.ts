// One declaration per endpoint: path, who may call it, the schemas of its inputs and outputs, and the handler.
// The same declaration registers the express route, validates the request, and becomes its OpenAPI operation,
// so the published document cannot drift from what the server accepts.
import type { Request, Response, Router } from 'express';
import type { ValidateFunction } from 'ajv';
import type { DataSource } from 'typeorm';
import type { Config } from '../config.js';
import type { Transports } from '../engine/index.js';
import { DomainError } from '../domain/errors.js';
import type { Origin } from '../domain/events.js';
import type { Principal } from '../domain/keys.js';
import { authenticateRequest } from './auth.js';
import type { JSONSchema } from './schemas.js';
import { bodyAjv, fieldErrors, nulErrors, queryAjv } from './validate.js';

export interface ApiDeps {
  ds: DataSource;
  config: Config;
  /** The platform admin key (from config or generated at first start). */
  adminKey: string;
  /** Email, SMS and HTTP ports (the SMS port verifies provider callbacks). */
  transports: Transports;
}

/** Who may call: nobody in particular, the platform key, any tenant key, or a tenant admin key. */
export type Access = 'public' | 'platform' | 'tenant' | 'admin';

export interface Ctx<P = Record<string, string>, Q = Record<string, unknown>, B = Record<string, unknown>> {
  deps: ApiDeps;
  principal: Principal | null;
  /** The caller's tenant (tenant and admin routes only). */
  tenantId: string;
  /** For domain calls: the tenant, at depth 0 (an API call, not a workflow run). */
  origin: Origin;
  params: P;
  query: Q;
  body: B;
  req: Request;
  res: Response;
}

export interface Reply {
  status?: number;
  body?: unknown;
}

export interface RouteSpec<P = any, Q = any, B = any> {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  path: string;
  summary: string;
  description?: string;
  tag: string;
  access: Access;
  params?: JSONSchema;
  query?: JSONSchema;
  body?: JSONSchema;
  /** Response schemas by status; 4xx problems are documented for every route. */
  responses: Record<number, { description: string; schema?: JSONSchema }>;
  handler: (ctx: Ctx<P, Q, B>) => Promise<Reply>;
}

export function defineRoute<P = Record<string, string>, Q = Record<string, any>, B = Record<string, any>>(spec: RouteSpec<P, Q, B>): RouteSpec<P, Q, B> {
  return spec;
}

const tenantIdField = { type: 'string', maxLength: 64, description: 'optional; must be the tenant of the key' };

/** Tenant routes accept an optional `tenantId` everywhere (checked against the key before anything else). */
export function withTenantId(schema: JSONSchema | undefined, access: Access): JSONSchema | undefined {
  if (!schema || access === 'public' || access === 'platform') return schema;
  return { ...schema, properties: { ...(schema.properties as object), tenantId: tenantIdField } };
}

const hasBody = (req: Request): boolean =>
  (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0') || req.headers['transfer-encoding'] !== undefined;

function effectiveBodySchema(spec: RouteSpec): JSONSchema | undefined {
  if (spec.body) return spec.body;
  // Actions without documented fields still reject unknown ones, instead of silently ignoring a typo.
  if (spec.method === 'post' || spec.method === 'patch' || spec.method === 'put') return { type: 'object', properties: {}, additionalProperties: false };
  return undefined;
}

export function register(router: Router, spec: RouteSpec, deps: ApiDeps): void {
  const paramsV: ValidateFunction | null = spec.params ? queryAjv.compile(spec.params) : null;
  const queryV: ValidateFunction = queryAjv.compile(withTenantId(spec.query ?? { type: 'object', properties: {}, additionalProperties: false }, spec.access)!);
  const bodySchema = withTenantId(effectiveBodySchema(spec), spec.access);
  const bodyV: ValidateFunction | null = bodySchema ? bodyAjv.compile(bodySchema) : null;

  router[spec.method](spec.path, async (req: Request, res: Response) => {
    const principal = await authenticateRequest(req, spec.access, deps);
    const tenantId = principal?.tenantId ?? '';

    // The tenant check comes before validation: a key never learns anything about another tenant's data.
    if (principal) {
      const q = req.query as Record<string, unknown>;
      const b = req.body as Record<string, unknown> | undefined;
      const claimed = [q.tenantId, b && typeof b === 'object' && !Array.isArray(b) ? b.tenantId : undefined];
      for (const c of claimed) {
        if (c !== undefined && c !== principal.tenantId) {
          throw new DomainError(403, 'TENANT_MISMATCH', 'tenantId does not match the tenant of this API key');
        }
      }
    }

    const nul = [...nulErrors(req.query, 'query'), ...nulErrors(req.body, 'body')];
    if (nul.length) throw new DomainError(400, 'VALIDATION_FAILED', 'text in the request holds a NUL character', nul);
    const params = { ...req.params } as Record<string, unknown>;
    if (paramsV && !paramsV(params)) throw new DomainError(404, 'NOT_FOUND', 'no such resource: the id in the path is not valid', fieldErrors(paramsV.errors, 'path'));
    const query = { ...(req.query as Record<string, unknown>) };
    if (!queryV(query)) throw new DomainError(400, 'VALIDATION_FAILED', 'the query string is invalid', fieldErrors(queryV.errors, 'query'));
    let body: unknown = undefined;
    if (bodyV) {
      if (hasBody(req) && !req.is('application/json') && !req.is('application/*+json')) {
        throw new DomainError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as JSON with Content-Type: application/json');
      }
      body = req.body === undefined ? {} : req.body;
      if (!bodyV(body)) throw new DomainError(400, 'VALIDATION_FAILED', 'the request body is invalid', fieldErrors(bodyV.errors, 'body'));
      delete (body as Record<string, unknown>).tenantId;
    }
    delete query.tenantId;

    const reply = await spec.handler({
      deps, principal, tenantId, origin: { tenantId }, params: params as Record<string, string>, query, body: body as Record<string, unknown>, req, res,
    });
    if (res.headersSent) return;
    const status = reply.status ?? 200;
    if (reply.body === undefined || status === 204) res.status(status).end();
    else res.status(status).json(reply.body);
  });
}
