import { defineAction } from '../src/engine/contracts.js';
import { deliverOnce } from '../src/engine/deliver.js';
import { recipientSchema, variantsSchema, type RecipientKind } from '../src/engine/recipients.js';
import { htmlToText } from '../src/templates/index.js';

interface Config {
  to: RecipientKind;
  address?: string;
  subject: string;
  html: string;
  variants?: Record<string, { subject?: string; html?: string }>;
}

export const email = defineAction<Config>({
  type: 'email',
  title: 'Send an email',
  description: 'Sends an email (HTML with a plain-text part derived from it) to the customer, the resource, the tenant admin or a fixed address.',
  configSchema: {
    type: 'object',
    properties: {
      to: recipientSchema('email'),
      address: { type: 'string', format: 'email', title: 'Fixed address', description: 'when "Send to" is fixed', 'x-shown-when': { to: ['fixed'] } },
      subject: { type: 'string', minLength: 1, maxLength: 500, title: 'Subject', 'x-templated': true },
      html: { type: 'string', minLength: 1, maxLength: 50000, title: 'Body (HTML)', 'x-templated': true, 'x-widget': 'textarea' },
      variants: variantsSchema(['subject', 'html']),
    },
    required: ['to', 'subject', 'html'],
    additionalProperties: false,
  },
  templatedFields: ['subject', 'html'],
  htmlField: 'html',
  maxAttempts: 6,
  channel: 'email',
  validate: (c) => (c.to === 'fixed' && !c.address ? [{ pointer: '/address', message: 'a fixed recipient needs an address' }] : []),
  async run(input, deps) {
    const r = input.recipient(input.config.to, 'email');
    if (r.optedOut) return { outcome: 'skipped:optout', output: { to: r.kind } };
    if (!r.address) return { outcome: 'skipped:no_address', output: { to: r.kind } };
    const subject = input.render('subject', r);
    const html = input.render('html', r);
    const text = htmlToText(html);
    return deliverOnce(input, {
      key: `${input.idempotencyKey}:${r.address}`, channel: 'email', recipient: r.address, subject, body: text, html,
      configured: deps.mailer.configured,
      output: { to: r.address, language: input.textLanguage(r), ...(r.language ? { recipientLanguage: r.language } : {}), subject, text, html },
      send: async (msg) => {
        const res = await deps.mailer.send({ to: r.address!, subject, text, html, messageId: `<${msg.id}@bookflow>` });
        return { providerId: res.providerId, response: res.response };
      },
    });
  },
  sampleConfig: { to: 'customer', subject: 'Booking confirmed: {{service.name}}', html: '<p>Hi {{customer.name}}, see you {{formatDate booking.startTime}}.</p>' },
  describe: (c) => `Email ${c.to === 'fixed' ? c.address : `the ${c.to}`}`,
});
