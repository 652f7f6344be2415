import { defineTrigger } from '../src/engine/contracts.js';
import { customerVariables } from '../src/engine/variables.js';

export const customerCreated = defineTrigger<Record<string, never>>({
  type: 'customer.created',
  title: 'A customer is created',
  description: 'Runs when a new customer is created (welcome messages). There is no booking in this context.',
  configSchema: { type: 'object', properties: {}, additionalProperties: false },
  listensTo: ['customer.created'],
  matches: () => true,
  variables: customerVariables(),
  sampleEvent: {
    id: '0', type: 'customer.created', subjectType: 'customer', subjectId: 'm-sample',
    data: { customer: { id: 'm-sample', name: 'Kari Nordmann', email: 'kari@example.com', phone: '+4791234567', language: 'nb', tier: null, optOut: [] } },
    depth: 0, causedByRun: null, occurredAt: '2026-01-10T08:30:00.000Z', dispatchedAt: null,
  },
  describe: () => 'When a customer is created',
});
