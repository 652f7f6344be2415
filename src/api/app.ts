// The express app: JSON API under /api, health probes, OpenAPI and its reference page.
import compression from 'compression';
import express, { type Request, type Response } from 'express';
import { createRequire } from 'node:module';
import { migrationsApplied } from '../db/data-source.js';
import { DomainError } from '../domain/errors.js';
import { buildOpenApi } from './openapi.js';
import { errorHandler, problemOf, sendProblem } from './problem.js';
import { register, type ApiDeps, type RouteSpec } from './route.js';
import { bookingRoutes } from './routes/bookings.js';
import { catalogRoutes } from './routes/catalog.js';
import { customerRoutes } from './routes/customers.js';
import { eventRoutes } from './routes/events.js';
import { paymentRoutes } from './routes/payments.js';
import { tenantRoutes } from './routes/tenants.js';
import { testMessageRoutes } from './routes/test-message.js';
import { messageRoutes, mountSmsCallbacks } from './routes/messages.js';
import { recipeRoutes } from './routes/recipes.js';
import { runBulkRoutes } from './routes/runs-bulk.js';
import { scheduledRoutes } from './routes/scheduled.js';
import { statusRoutes } from './routes/status.js';
import { workflowTransferRoutes } from './routes/workflow-transfer.js';
import { workflowRoutes } from './routes/workflows.js';
import { mountUi } from '../ui/serve.js';
import { webhookRoutes } from './routes/webhooks.js';
import { waitlistRoutes } from './routes/facility-waitlist.js';
import { mountGraphql } from './graphql.js';
import { mountOfferLinks } from '../waitlist/index.js';

const require = createRequire(import.meta.url);
const VERSION = (require('../../../package.json') as { version: string }).version;

/** Every REST route, in the order OpenAPI lists them. Features add theirs through `extraRoutes`. */
export const coreRoutes: RouteSpec[] = [
  ...tenantRoutes, ...testMessageRoutes, ...statusRoutes, ...catalogRoutes, ...customerRoutes, ...bookingRoutes, ...paymentRoutes, ...eventRoutes,
  ...recipeRoutes, ...workflowTransferRoutes, ...runBulkRoutes, ...workflowRoutes, ...scheduledRoutes, ...messageRoutes, ...webhookRoutes, ...waitlistRoutes,
];

export interface AppOptions {
  extraRoutes?: RouteSpec[];
  /** Mounted before the API (e.g. the admin UI, GraphQL). */
  mount?: (app: express.Express) => void;
}

export function createApp(deps: ApiDeps, opts: AppOptions = {}): express.Express {
  const routes = [...coreRoutes, ...(opts.extraRoutes ?? [])];
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Nothing served here is meant to be framed (clickjacking the admin UI, GraphiQL or an offer's accept button) or
  // sniffed, and some URLs are capabilities (offer links): no Referer carries them to another site.
  app.use((_req, res, next) => {
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  });

  app.get('/healthz', (_req, res) => { res.json({ status: 'ok' }); });
  app.get('/readyz', async (_req, res) => {
    try {
      const ready = await migrationsApplied(deps.ds);
      if (ready) res.json({ status: 'ready' });
      else sendProblem(res, problemOf(503, 'NOT_MIGRATED', 'the database has migrations left to apply; run `bookflow migrate`'));
    } catch {
      sendProblem(res, problemOf(503, 'DATABASE_UNREACHABLE', 'the database cannot be reached'));
    }
  });

  const openapi = buildOpenApi(routes, { version: VERSION, basePath: '/api' });
  app.get('/api/openapi.json', (_req, res) => { res.json(openapi); });
  const swaggerDir = (require('swagger-ui-dist') as { getAbsoluteFSPath(): string }).getAbsoluteFSPath();
  app.use('/api/docs/assets', compression(), express.static(swaggerDir, { index: false }));
  app.get(['/api/docs', '/api/docs/'], (_req, res) => { res.type('html').send(REFERENCE_PAGE); });

  mountSmsCallbacks(app, deps, deps.transports.sms);
  mountOfferLinks(app, deps.ds);
  mountGraphql(app, deps);
  mountUi(app); // the admin UI at / (its assets under /ui/)
  opts.mount?.(app);

  const api = express.Router();
  api.use(express.json({ limit: '1mb', type: ['application/json', 'application/*+json'] }));
  for (const route of routes) register(api, route, deps);
  // A path we serve, asked with a method we do not serve it with: 405 and what is allowed (a 404 would say the
  // path does not exist).
  const shapes = routes.map((r) => ({ method: r.method.toUpperCase(), re: new RegExp(`^${r.path.replace(/:\w+/g, '[^/]+')}/?$`) }));
  api.use((req: Request, res: Response) => {
    const allowed = [...new Set(shapes.filter((x) => x.re.test(req.path)).map((x) => x.method))];
    if (allowed.length) {
      res.setHeader('Allow', allowed.join(', '));
      throw new DomainError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${req.baseUrl}${req.path}; it takes ${allowed.join(', ')}`);
    }
    throw new DomainError(404, 'NOT_FOUND', `no route ${req.method} ${req.baseUrl}${req.path}; see /api/openapi.json`);
  });
  app.use('/api', api);
  app.use((req: Request, res: Response) => {
    sendProblem(res, problemOf(404, 'NOT_FOUND', `no route ${req.method} ${req.path}`));
  });
  app.use(errorHandler);
  return app;
}

const REFERENCE_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Bookflow API reference</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#swagger-ui', deepLinking: true });</script>
</body></html>`;
