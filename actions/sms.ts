import { defineAction, PermanentActionError } from '../src/engine/contracts.js';
import { deliverOnce } from '../src/engine/deliver.js';
import { recipientSchema, variantsSchema, type RecipientKind } from '../src/engine/recipients.js';

/** Twilio's "unsubscribed recipient" error: they replied STOP. */
const STOPPED = '21610';

interface Config {
  to: RecipientKind;
  phone?: string;
  body: string;
  variants?: Record<string, { body?: string }>;
}

export const sms = defineAction<Config>({
  type: 'sms',
  title: 'Send an SMS',
  description: 'Sends a text message to the customer, the resource or a fixed number. The provider\'s delivery status shows in the outbox and the run.',
  configSchema: {
    type: 'object',
    properties: {
      to: recipientSchema('sms'),
      phone: { type: 'string', pattern: '^\\+[1-9][0-9]{6,14}$', title: 'Fixed number (E.164)', description: 'when "Send to" is fixed', 'x-shown-when': { to: ['fixed'] } },
      body: { type: 'string', minLength: 1, maxLength: 1600, title: 'Message', 'x-templated': true, 'x-widget': 'textarea' },
      variants: variantsSchema(['body']),
    },
    required: ['to', 'body'],
    additionalProperties: false,
  },
  templatedFields: ['body'],
  maxAttempts: 6,
  channel: 'sms',
  validate: (c) => (c.to === 'fixed' && !c.phone ? [{ pointer: '/phone', message: 'a fixed recipient needs a phone number' }] : []),
  async run(input, deps) {
    const r = input.recipient(input.config.to, 'sms');
    if (r.optedOut) return { outcome: 'skipped:optout', output: { to: r.kind } };
    if (!r.address) return { outcome: 'skipped:no_address', output: { to: r.kind } };
    const body = input.render('body', r);
    try {
      return await deliverOnce(input, {
        key: `${input.idempotencyKey}:${r.address}`, channel: 'sms', recipient: r.address, body,
        configured: deps.sms.configured,
        output: { to: r.address, language: input.textLanguage(r), ...(r.language ? { recipientLanguage: r.language } : {}), body },
        send: async (msg) => {
          // Delivery is not fire-and-forget: the provider reports back to this URL (verified with its signature).
          const statusCallback = `${deps.publicUrl}/api/hooks/twilio/${encodeURIComponent(input.tenantId)}/${msg.id}`;
          const res = await deps.sms.send({ to: r.address!, body, statusCallback });
          return { providerId: res.providerId, response: { status: res.status } };
        },
        findSent: async (msg) => {
          const found = await deps.sms.findSent({ to: r.address!, body, since: new Date(msg.createdAt) });
          return found && { providerId: found.providerId, response: { status: found.status } };
        },
      });
    } catch (err) {
      // Twilio 21610: the recipient replied STOP. That is an opt-out, not a failure: record it on the customer, so
      // no later workflow texts them, and skip this step as for any opt-out.
      if (err instanceof PermanentActionError && String(err.output.providerCode) === STOPPED && r.kind === 'customer' && input.context.customer?.id) {
        await deps.optOut?.(input.origin, input.context.customer.id as string, 'sms');
        return { outcome: 'skipped:optout', output: { ...err.output, to: r.address, reason: 'the recipient replied STOP to an earlier text (Twilio 21610); recorded as an SMS opt-out' } };
      }
      throw err;
    }
  },
  sampleConfig: { to: 'customer', body: 'Hi {{customer.name}}, see you {{formatDate booking.startTime "short"}}.' },
  describe: (c) => `SMS ${c.to === 'fixed' ? c.phone : `the ${c.to}`}`,
});
