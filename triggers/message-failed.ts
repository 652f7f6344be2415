import { defineTrigger } from '../src/engine/contracts.js';
import { sampleBooking } from '../src/engine/samples.js';
import { contextVariables } from '../src/engine/variables.js';

const CHANNELS = ['email', 'sms', 'webhook'] as const;
const str = { type: 'string' };
const nstr = { type: ['string', 'null'] };

interface Config { channels?: string[] }

// Recorded by src/engine/failures.ts. The run context is the booking the failed message was about, if any.
export const messageFailed = defineTrigger<Config>({
  type: 'message.failed',
  title: 'A message could not be delivered',
  description: 'Runs when an email, SMS or webhook call of a workflow did not reach its recipient: its step failed for good '
    + '(an invalid address, a refused request, the last retry), or the SMS provider reported it undelivered. '
    + 'Pick channels to react to only those (none = any). Failed notices about failures are not reported again.',
  configSchema: {
    type: 'object',
    properties: { channels: { type: 'array', title: 'Channels', items: { type: 'string', enum: [...CHANNELS] }, uniqueItems: true, default: [] } },
    additionalProperties: false,
  },
  listensTo: ['message.failed'],
  matches: (event, config) => !config.channels?.length || config.channels.includes(event.data.channel as string),
  variables: contextVariables({
    stage: { type: 'string', enum: ['sending', 'delivery'], description: 'sending: the step gave up; delivery: the provider reported it undelivered after sending' },
    channel: { type: 'string', enum: [...CHANNELS] },
    recipient: { ...nstr, description: 'the address, number or URL, when the message got that far' },
    error: { type: 'object', properties: { code: str, message: str } },
    message: { type: ['object', 'null'], properties: { id: str, status: str, providerStatus: nstr } },
    workflow: { type: 'object', properties: { id: str, name: str } },
    run: { type: 'object', properties: { id: str, stepIndex: { type: 'integer' }, actionType: nstr } },
    bookingId: nstr,
  }),
  sampleEvent: {
    id: '0', type: 'message.failed', subjectType: 'run', subjectId: 'run_sample',
    data: {
      stage: 'sending', channel: 'sms', recipient: '+4790000000',
      error: { code: 'TWILIO_21211', message: 'The \'To\' number +4790000000 is not a valid phone number.' },
      message: { id: 'msg_sample', status: 'failed', providerStatus: null },
      workflow: { id: 'wf_sample', name: 'Reminder 24h before' },
      run: { id: 'run_sample', stepIndex: 0, actionType: 'sms' },
      bookingId: sampleBooking.id,
    },
    depth: 1, causedByRun: 'run_sample', occurredAt: sampleBooking.updatedAt, dispatchedAt: null,
  },
  sampleData: (c) => {
    const channel = c.channels?.[0] ?? 'sms';
    const recipient = channel === 'email' ? 'kari@example.com' : channel === 'webhook' ? 'https://example.com/hooks/bookflow' : '+4790000000';
    return { channel, recipient, run: { id: 'run_sample', stepIndex: 0, actionType: channel } };
  },
  describe: (c) => (c.channels?.length ? `When a message could not be delivered (${c.channels.join(', ')})` : 'When a message could not be delivered'),
});
