// GraphQL at /graphql: the facility waitlist operations as facility-waitlist-api.md documents them, served by a
// spec-compliant GraphQL-over-HTTP server (graphql-http), with the same keys, roles and tenant rules as REST.
// A browser opening /graphql gets GraphiQL (ruru, served locally); the operations it sends need a key, entered in
// its headers pane: { "Authorization": "Bearer <key>" }.
import express, { type Express, type Request } from 'express';
import { buildSchema, GraphQLError, Kind, type ASTVisitor, type SelectionSetNode, type ValidationContext } from 'graphql';
import { createHandler } from 'graphql-http/lib/use/express';
import { ruruHTML } from 'ruru/server';
import { serveStatic } from 'ruru/static';
import { DomainError } from '../domain/errors.js';
import type { Principal } from '../domain/keys.js';
import { getEntryRow, joinWaitlist, listEntries, positionOf, positionsOf, toEntry } from '../waitlist/entries.js';
import { acceptOffer, cancelEntry, declineOffer, expireOffer, manualOffer } from '../waitlist/offers.js';
import { authenticateRequest } from './auth.js';
import { toProblem } from './problem.js';
import type { ApiDeps } from './route.js';
import { cancelSchema, joinSchema, listFilters, offerSchema } from './routes/facility-waitlist.js';
import { bodyAjv, fieldErrors, nulErrors, queryAjv } from './validate.js';
import { object } from './schemas.js';

const schema = buildSchema(`
  "Waitlist status"
  enum WaitlistStatus { ACTIVE OFFERED ACCEPTED EXPIRED CANCELLED }

  type FacilityWaitlistEntry {
    id: ID!
    tenantId: ID!
    clubId: ID!
    resourceId: ID!
    memberId: ID!
    desiredStart: String!
    desiredEnd: String!
    seats: Int!
    "Higher = offered first"
    priorityScore: Int!
    status: WaitlistStatus!
    offeredAt: String
    offerExpiresAt: String
    acceptedAt: String
    cancelledAt: String
    cancelReason: String
    reservationId: ID
    createdAt: String!
    "1-based among the entries waiting for the same slot; null when not waiting"
    position: Int
  }

  type Reservation { id: ID! resourceId: ID! memberId: ID! startTime: String! endTime: String! status: String! }
  type AcceptFacilityWaitlistEntryResult { waitlistEntry: FacilityWaitlistEntry! reservation: Reservation! }

  input FacilityWaitlistFilters {
    tenantId: ID
    clubId: ID
    resourceId: ID
    memberId: ID
    status: WaitlistStatus
    desiredFrom: String
    desiredTo: String
  }

  input CreateFacilityWaitlistEntryInput {
    tenantId: ID
    clubId: ID!
    resourceId: ID!
    memberId: ID!
    desiredStart: String!
    desiredEnd: String!
    seats: Int
  }

  type Query {
    facilityWaitlist(filters: FacilityWaitlistFilters): [FacilityWaitlistEntry!]!
    facilityWaitlistEntry(id: ID!, tenantId: ID, clubId: ID): FacilityWaitlistEntry
  }

  type Mutation {
    createFacilityWaitlistEntry(data: CreateFacilityWaitlistEntryInput!): FacilityWaitlistEntry!
    acceptFacilityWaitlistEntry(id: ID!, tenantId: ID, clubId: ID): AcceptFacilityWaitlistEntryResult!
    declineFacilityWaitlistEntry(id: ID!, tenantId: ID, clubId: ID, remove: Boolean): FacilityWaitlistEntry!
    cancelFacilityWaitlistEntry(id: ID!, tenantId: ID, clubId: ID, reason: String): FacilityWaitlistEntry!
    offerFacilityWaitlistEntry(id: ID!, tenantId: ID, clubId: ID, offerExpiresAt: String!): FacilityWaitlistEntry!
    expireFacilityWaitlistEntry(id: ID!, tenantId: ID, clubId: ID): FacilityWaitlistEntry!
  }
`);

type Ctx = { principal: Principal; deps: ApiDeps } & Record<PropertyKey, unknown>;

/** A DomainError as a GraphQL error: the same stable code, HTTP status and field errors as REST. */
function gqlError(err: unknown): GraphQLError {
  const p = toProblem(err);
  return new GraphQLError(p.detail, { extensions: { code: p.code, status: p.status, ...(p.errors ? { errors: p.errors } : {}) } });
}

function checkTenant(ctx: Ctx, tenantId: unknown): void {
  if (tenantId !== undefined && tenantId !== null && tenantId !== ctx.principal.tenantId) {
    throw new DomainError(403, 'TENANT_MISMATCH', 'tenantId does not match the tenant of this API key');
  }
}

function requireAdmin(ctx: Ctx): void {
  if (ctx.principal.role !== 'admin') throw new DomainError(403, 'FORBIDDEN', 'this operation needs an admin key');
}

const validateJoin = bodyAjv.compile(joinSchema);
const validateFilters = queryAjv.compile(object({ ...listFilters, tenantId: { type: 'string' } }));
const validateCancel = bodyAjv.compile(cancelSchema);
const validateOffer = bodyAjv.compile(offerSchema);

/** Arguments checked with the REST body's schema: the same rules and field errors as REST. */
function checkArgs(validate: typeof validateJoin, args: Record<string, unknown>, what: string): void {
  const given = Object.fromEntries(Object.entries(args).filter(([, v]) => v !== null && v !== undefined));
  if (!validate(given)) throw new DomainError(400, 'VALIDATION_FAILED', `${what} invalid`, fieldErrors(validate.errors, 'body'));
}

/** Wraps a resolver: DomainErrors become GraphQL errors with their codes; nothing else leaks. */
const resolver = <A>(fn: (args: A, ctx: Ctx) => Promise<unknown>) => async (args: A, ctx: Ctx) => {
  try {
    const nul = nulErrors(args, 'body');
    if (nul.length) throw new DomainError(400, 'VALIDATION_FAILED', 'text in the arguments holds a NUL character', nul);
    return await fn(args, ctx);
  } catch (err) {
    throw gqlError(err);
  }
};

const root = {
  facilityWaitlist: resolver<{ filters?: Record<string, unknown> }>(async ({ filters = {} }, ctx) => {
    checkTenant(ctx, filters.tenantId);
    const f = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== null));
    if (!validateFilters(f)) throw new DomainError(400, 'VALIDATION_FAILED', 'the filters are invalid', fieldErrors(validateFilters.errors, 'query'));
    const page = await listEntries(ctx.deps.ds, ctx.principal.tenantId, { ...(f as object), limit: 500 });
    // as facilityWaitlistEntry answers it (it was null in lists)
    const positions = await positionsOf(ctx.deps.ds, ctx.principal.tenantId, page.items.map((e) => e.id));
    return page.items.map((e) => ({ ...e, position: positions.get(e.id) ?? null }));
  }),
  facilityWaitlistEntry: resolver<{ id: string; tenantId?: string; clubId?: string }>(async (a, ctx) => {
    checkTenant(ctx, a.tenantId);
    const row = await getEntryRow(ctx.deps.ds, ctx.principal.tenantId, a.id, a.clubId ?? undefined);
    return { ...toEntry(row), position: await positionOf(ctx.deps.ds, row) };
  }),
  createFacilityWaitlistEntry: resolver<{ data: Record<string, unknown> }>(async ({ data }, ctx) => {
    checkTenant(ctx, data.tenantId);
    const { tenantId: _t, ...input } = Object.fromEntries(Object.entries(data).filter(([, v]) => v !== null));
    if (!validateJoin(input)) throw new DomainError(400, 'VALIDATION_FAILED', 'the entry is invalid', fieldErrors(validateJoin.errors, 'body'));
    return joinWaitlist(ctx.deps.ds, { tenantId: ctx.principal.tenantId }, input as never);
  }),
  acceptFacilityWaitlistEntry: resolver<{ id: string; tenantId?: string; clubId?: string }>(async (a, ctx) => {
    checkTenant(ctx, a.tenantId);
    return acceptOffer(ctx.deps.ds, { tenantId: ctx.principal.tenantId }, a.id, a.clubId ?? undefined);
  }),
  declineFacilityWaitlistEntry: resolver<{ id: string; tenantId?: string; clubId?: string; remove?: boolean }>(async (a, ctx) => {
    checkTenant(ctx, a.tenantId);
    return declineOffer(ctx.deps.ds, { tenantId: ctx.principal.tenantId }, a.id, { clubId: a.clubId ?? undefined, remove: a.remove ?? false });
  }),
  cancelFacilityWaitlistEntry: resolver<{ id: string; tenantId?: string; clubId?: string; reason?: string }>(async (a, ctx) => {
    checkTenant(ctx, a.tenantId);
    checkArgs(validateCancel, { reason: a.reason }, 'the reason is');
    return cancelEntry(ctx.deps.ds, { tenantId: ctx.principal.tenantId }, a.id, { clubId: a.clubId ?? undefined, reason: a.reason ?? null });
  }),
  offerFacilityWaitlistEntry: resolver<{ id: string; tenantId?: string; clubId?: string; offerExpiresAt: string }>(async (a, ctx) => {
    checkTenant(ctx, a.tenantId);
    requireAdmin(ctx);
    checkArgs(validateOffer, { offerExpiresAt: a.offerExpiresAt }, 'offerExpiresAt is');
    return manualOffer(ctx.deps.ds, { tenantId: ctx.principal.tenantId }, a.id, { clubId: a.clubId ?? undefined, offerExpiresAt: a.offerExpiresAt });
  }),
  expireFacilityWaitlistEntry: resolver<{ id: string; tenantId?: string; clubId?: string }>(async (a, ctx) => {
    checkTenant(ctx, a.tenantId);
    requireAdmin(ctx);
    return expireOffer(ctx.deps.ds, { tenantId: ctx.principal.tenantId }, a.id, { clubId: a.clubId ?? undefined });
  }),
};

/**
 * Root fields one operation may ask for. Each runs its own database queries, and aliases let one request repeat a
 * field: 14,000 lookups in a 940 KB request held the pool for seconds, slowing every tenant; mutations repeat the same
 * way, past any per-request rate limit in front of the API. The documented operations use one each.
 */
const MAX_ROOT_FIELDS = 20;

function rootFields(set: SelectionSetNode, context: ValidationContext, seen: Set<string>): number {
  let n = 0;
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) n += s.name.value.startsWith('__') ? 0 : 1;
    else if (s.kind === Kind.INLINE_FRAGMENT) n += rootFields(s.selectionSet, context, seen);
    else if (!seen.has(s.name.value)) {
      seen.add(s.name.value);
      const fragment = context.getFragment(s.name.value);
      if (fragment) n += rootFields(fragment.selectionSet, context, seen);
    }
  }
  return n;
}

function rootFieldLimit(context: ValidationContext): ASTVisitor {
  return {
    OperationDefinition(node) {
      const count = rootFields(node.selectionSet, context, new Set());
      if (count > MAX_ROOT_FIELDS) {
        context.reportError(new GraphQLError(`this operation asks for ${count} fields at its root; at most ${MAX_ROOT_FIELDS} per request: split it into several requests`, { nodes: [node] }));
      }
    },
  };
}

export function mountGraphql(app: Express, deps: ApiDeps): void {
  const staticPath = '/graphql/ruru/';
  // express strips the mount path from req.url, so ruru sees paths relative to it
  app.use(staticPath, serveStatic('/'));
  const graphiql = ruruHTML({ endpoint: '/graphql', staticPath });
  const handler = createHandler<Ctx>({
    schema,
    rootValue: root,
    validationRules: (_req, _args, specified) => [...specified, rootFieldLimit],
    context: async (req) => {
      try {
        const principal = await authenticateRequest(req.raw as Request, 'tenant', deps);
        return { principal: principal!, deps };
      } catch (err) {
        const p = toProblem(err);
        return [JSON.stringify({ errors: [{ message: p.detail, extensions: { code: p.code, status: p.status } }] }),
          { status: p.status, statusText: p.title, headers: { 'content-type': 'application/json; charset=utf-8' } }];
      }
    },
  });
  app.get('/graphql', (req, res, next) => {
    // A browser asking for a page gets GraphiQL; GraphQL clients (GET with a query) get GraphQL.
    if (req.accepts(['application/graphql-response+json', 'application/json', 'html']) === 'html' && !req.query.query) {
      res.type('html').send(graphiql);
      return;
    }
    next();
  });
  // The same 1 MB limit as REST (413 PAYLOAD_TOO_LARGE); read as text, whatever its type, for graphql-http to parse.
  app.all('/graphql', express.text({ limit: '1mb', type: () => true }), handler);
}
