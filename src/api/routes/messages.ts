// The outbox: every email, SMS and webhook call, as rendered, with its status. And the SMS provider's status
// callbacks, verified with the provider's signature.
import express, { type Express } from 'express';
import { getMessage, listMessages, recordDeliveryStatus } from '../../engine/outbox.js';
import type { SmsSender } from '../../delivery/types.js';
import { problemOf, sendProblem } from '../problem.js';
import { defineRoute, type ApiDeps, type RouteSpec } from '../route.js';
import * as S from '../schemas.js';

const nstr = S.nullable({ type: 'string' });
const message = S.object({
  id: S.id, runId: nstr, stepIdx: { type: ['integer', 'null'], description: 'the step of the run that made it' }, bookingId: nstr,
  channel: { type: 'string', enum: ['email', 'sms', 'webhook'] },
  recipient: { type: 'string', description: 'an email address, a phone number or a URL' }, subject: nstr,
  body: { type: 'string', description: 'the text (emails: the plain-text part; webhooks: the JSON body sent)' }, html: nstr,
  payload: { type: ['object', 'null'], description: 'webhooks: the method and headers of the request; null for email and SMS' },
  status: { type: 'string', enum: ['pending', 'sending', 'sent', 'captured', 'failed', 'delivered', 'undelivered'], description: 'captured: kept, not sent (no provider configured)' },
  providerId: nstr, providerStatus: { ...nstr, description: 'the provider\'s last delivery report (SMS)' },
  response: { type: ['string', 'object', 'null'], description: 'what the provider answered: the SMTP reply, the SMS provider\'s status, a webhook\'s status, body and duration' },
  attempts: { type: 'integer' }, lastError: nstr, createdAt: S.dateTime, sentAt: S.nullable(S.dateTime), updatedAt: S.dateTime,
}, ['id', 'runId', 'stepIdx', 'bookingId', 'channel', 'recipient', 'subject', 'body', 'html', 'payload', 'status', 'providerId', 'providerStatus',
  'response', 'attempts', 'lastError', 'createdAt', 'sentAt', 'updatedAt']);

export const messageRoutes: RouteSpec[] = [
  defineRoute({
    method: 'get', path: '/messages', tag: 'Outbox', access: 'admin',
    summary: 'The outbox: every outgoing email, SMS and webhook call, newest first',
    query: S.object({
      ...S.pageQuery, channel: { type: 'string', enum: ['email', 'sms', 'webhook'] },
      status: { type: 'string', enum: ['pending', 'sending', 'sent', 'captured', 'failed', 'delivered', 'undelivered'] }, bookingId: S.id, runId: S.id,
    }),
    responses: { 200: { description: 'a page of messages', schema: S.page(message) } },
    handler: async ({ deps, tenantId, query }) => ({ body: await listMessages(deps.ds, tenantId, query as never) }),
  }),
  defineRoute({
    method: 'get', path: '/messages/:id', tag: 'Outbox', access: 'admin',
    summary: 'One outgoing message', params: S.idParam,
    responses: { 200: { description: 'the message', schema: message } },
    handler: async ({ deps, tenantId, params }) => ({ body: await getMessage(deps.ds, tenantId, params.id) }),
  }),
];

/** POST /api/hooks/twilio/:tenantId/:messageId: Twilio's status callback (form-encoded, signed). */
export function mountSmsCallbacks(app: Express, deps: ApiDeps, sms: SmsSender): void {
  app.post('/api/hooks/twilio/:tenantId/:messageId', express.urlencoded({ extended: false, limit: '64kb' }), async (req, res, next) => {
    try {
      const url = `${deps.config.publicUrl}${req.originalUrl}`;
      const signature = req.header('x-twilio-signature') ?? '';
      const params = (req.body ?? {}) as Record<string, string>;
      if (!sms.configured || !sms.validateCallback(signature, url, params)) {
        sendProblem(res, problemOf(403, 'BAD_SIGNATURE', 'the X-Twilio-Signature does not match this request'));
        return;
      }
      const status = String(params.MessageStatus ?? params.SmsStatus ?? '');
      const errorCode = /^\d{1,10}$/.test(params.ErrorCode ?? '') ? `TWILIO_${params.ErrorCode}` : undefined;
      const found = await recordDeliveryStatus(deps.ds, String(req.params.tenantId), String(req.params.messageId), status, errorCode);
      if (!found) sendProblem(res, problemOf(404, 'NOT_FOUND', 'no such message'));
      else res.status(204).end();
    } catch (err) {
      next(err);
    }
  });
}
