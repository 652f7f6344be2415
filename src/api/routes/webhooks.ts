// Webhook subscriptions, their delivery log, replays and test deliveries (admin keys only).
// The module itself (its dispatch consumer and default workflow) registers on import: tenants created through this
// API get the default workflow even in a process that runs no worker.
import '../../webhooks/index.js';
import { getDelivery, listDeliveries, replayDelivery, replayFailedSince, sendTest } from '../../webhooks/deliveries.js';
import * as W from '../../webhooks/schemas.js';
import {
  createSubscription, deleteSubscription, getSubscription, listSubscriptions, rotateSecret, updateSubscription, type SubscriptionInput,
} from '../../webhooks/subscriptions.js';
import { defineRoute, type RouteSpec } from '../route.js';
import * as S from '../schemas.js';

const tag = 'Webhooks';
const deliveryParams = W.deliveryParams;

export const webhookRoutes: RouteSpec[] = [
  defineRoute({
    method: 'post', path: '/webhooks', tag, access: 'admin',
    summary: 'Subscribe an endpoint to events',
    description: 'Deliveries are signed per Standard Webhooks with the returned `secret` (shown once). The URL is checked now: '
      + 'not http(s), credentials in it, or a private address (unless allowed) answer 400 naming /url.',
    body: W.subscriptionCreate,
    responses: { 201: { description: 'the subscription and its secret', schema: W.subscriptionCreated } },
    handler: async ({ deps, tenantId, body }) => {
      const { subscription, secret } = await createSubscription(deps.ds, tenantId, body as SubscriptionInput, { allowPrivate: deps.config.webhookAllowPrivate });
      return { status: 201, body: { ...subscription, secret } };
    },
  }),
  defineRoute({
    method: 'get', path: '/webhooks', tag, access: 'admin',
    summary: 'List webhook subscriptions', query: S.object(S.pageQuery),
    responses: { 200: { description: 'a page of subscriptions', schema: S.page(W.subscription) } },
    handler: async ({ deps, tenantId, query }) => ({ body: await listSubscriptions(deps.ds, tenantId, query as never) }),
  }),
  defineRoute({
    method: 'get', path: '/webhooks/:id', tag, access: 'admin',
    summary: 'Get a webhook subscription', params: S.idParam,
    responses: { 200: { description: 'the subscription', schema: W.subscription } },
    handler: async ({ deps, tenantId, params }) => ({ body: await getSubscription(deps.ds, tenantId, params.id) }),
  }),
  defineRoute({
    method: 'patch', path: '/webhooks/:id', tag, access: 'admin',
    summary: 'Change a webhook subscription; enabling a disabled one gives it a fresh start', params: S.idParam, body: W.subscriptionPatch,
    responses: { 200: { description: 'the subscription as it now is', schema: W.subscription } },
    handler: async ({ deps, tenantId, params, body }) => ({
      body: await updateSubscription(deps.ds, tenantId, params.id, body as Partial<SubscriptionInput>, { allowPrivate: deps.config.webhookAllowPrivate }),
    }),
  }),
  defineRoute({
    method: 'delete', path: '/webhooks/:id', tag, access: 'admin',
    summary: 'Delete a webhook subscription with its delivery log; pending deliveries are not sent', params: S.idParam,
    responses: { 204: { description: 'deleted' } },
    handler: async ({ deps, tenantId, params }) => {
      await deleteSubscription(deps.ds, tenantId, params.id);
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'post', path: '/webhooks/:id/rotate-secret', tag, access: 'admin',
    summary: 'Replace the signing secret; the previous one keeps signing alongside it for 24 hours', params: S.idParam,
    responses: { 200: { description: 'the subscription and its new secret (shown once)', schema: W.secretRotated } },
    handler: async ({ deps, tenantId, params }) => {
      const { subscription, secret, previousSecretExpiresAt } = await rotateSecret(deps.ds, tenantId, params.id);
      return { body: { ...subscription, secret, previousSecretExpiresAt } };
    },
  }),
  defineRoute({
    method: 'post', path: '/webhooks/:id/test', tag, access: 'admin',
    summary: 'Send a webhook.test event to this endpoint only (409 WEBHOOK_DISABLED when disabled)', params: S.idParam,
    responses: { 202: { description: 'the test delivery, queued', schema: W.delivery } },
    handler: async ({ deps, tenantId, params }) => ({ status: 202, body: await sendTest(deps.ds, tenantId, params.id) }),
  }),
  defineRoute({
    method: 'get', path: '/webhooks/:id/deliveries', tag, access: 'admin',
    summary: 'The delivery log, newest first: each delivery with every attempt\'s time, status code, duration, answer and error',
    params: S.idParam, query: W.deliveriesQuery,
    responses: { 200: { description: 'a page of deliveries', schema: S.page(W.delivery) } },
    handler: async ({ deps, tenantId, params, query }) => ({ body: await listDeliveries(deps.ds, tenantId, params.id, query as never) }),
  }),
  defineRoute({
    method: 'get', path: '/webhooks/:id/deliveries/:deliveryId', tag, access: 'admin',
    summary: 'A delivery with its attempts and the body sent', params: deliveryParams,
    responses: { 200: { description: 'the delivery', schema: W.delivery } },
    handler: async ({ deps, tenantId, params }) => ({ body: await getDelivery(deps.ds, tenantId, { webhookId: params.id, deliveryId: params.deliveryId }) }),
  }),
  defineRoute({
    method: 'post', path: '/webhooks/:id/deliveries/:deliveryId/replay', tag, access: 'admin',
    summary: 'Send a delivery again now (same webhook-id, fresh retry schedule)', params: deliveryParams,
    responses: { 200: { description: 'the delivery, pending again', schema: W.delivery } },
    handler: async ({ deps, tenantId, params }) => ({ body: await replayDelivery(deps.ds, tenantId, { webhookId: params.id, deliveryId: params.deliveryId }) }),
  }),
  defineRoute({
    method: 'post', path: '/webhooks/:id/replay', tag, access: 'admin',
    summary: 'Send again every delivery that failed for good since a time', params: S.idParam, body: W.replayBody,
    responses: { 200: { description: 'how many deliveries were queued again', schema: S.object({ replayed: { type: 'integer' } }, ['replayed']) } },
    handler: async ({ deps, tenantId, params, body }) => ({ body: await replayFailedSince(deps.ds, tenantId, { webhookId: params.id, since: body.since as string }) }),
  }),
];
