import { defineTrigger } from '../src/engine/contracts.js';
import { contextVariables, dateTime } from '../src/engine/variables.js';

const str = { type: 'string' };
const nstr = { type: ['string', 'null'] };

// Recorded by the webhook delivery task when it disables a subscription (src/webhooks/disable.ts). There is no
// booking in this context: everything is in event.data.
export const webhookEndpointDisabled = defineTrigger<Record<string, never>>({
  type: 'webhook.endpoint_disabled',
  title: 'A webhook endpoint is disabled',
  description: 'Runs when Bookflow stops sending to a webhook subscription: its endpoint answered 410 Gone, or failed every attempt for 5 days.',
  configSchema: { type: 'object', properties: {}, additionalProperties: false },
  listensTo: ['webhook.endpoint_disabled'],
  matches: () => true,
  variables: contextVariables({
    webhook: {
      type: 'object',
      properties: { id: str, url: str, description: nstr, eventTypes: { type: 'array', items: str } },
    },
    reason: { type: 'string', enum: ['gone', 'failing'], description: 'gone: the endpoint answered 410; failing: 5 days of failures' },
    detail: { type: 'string', description: 'the reason in words' },
    failingSince: dateTime('first failure of the streak, ISO 8601', true),
    lastStatusCode: { type: ['integer', 'null'] },
    lastError: nstr,
  }),
  sampleEvent: {
    id: '0', type: 'webhook.endpoint_disabled', subjectType: 'webhook', subjectId: 'wh_sample',
    data: {
      webhook: { id: 'wh_sample', url: 'https://example.com/hooks/bookflow', description: 'CRM sync', eventTypes: ['*'] },
      reason: 'failing', detail: 'Every delivery failed since 2026-01-10T08:30:00.000Z (5 days).',
      failingSince: '2026-01-10T08:30:00.000Z', lastStatusCode: 503, lastError: 'HTTP_503: the endpoint answered 503',
    },
    depth: 0, causedByRun: null, occurredAt: '2026-01-15T08:30:00.000Z', dispatchedAt: null,
  },
  describe: () => 'When a webhook endpoint is disabled',
});
