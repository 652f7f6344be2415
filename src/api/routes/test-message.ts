// POST /api/settings/test-message: "does our email (or SMS) set-up work?" answered before a customer finds out. Sends
// one fixed message through the configured transport, straight away and outside the outbox (it is not a workflow's
// message), and answers what the provider said; a refusal is a 502 with the provider's reason, an unconfigured
// transport a 409 that says which settings are missing.
import { DeliveryError } from '../../delivery/types.js';
import { DomainError, invalid } from '../../domain/errors.js';
import { getTenant } from '../../domain/tenants.js';
import { newId } from '../../domain/ids.js';
import { defineRoute, type RouteSpec } from '../route.js';
import * as S from '../schemas.js';

const body = {
  ...S.object({
    channel: { type: 'string', enum: ['email', 'sms'] },
    to: { type: 'string', maxLength: 254, description: 'email: an address (default: the admin email); sms: a number in E.164' },
  }, ['channel']),
  allOf: [
    { if: { properties: { channel: { const: 'email' } } }, then: { properties: { to: S.email } } },
    { if: { properties: { channel: { const: 'sms' } } }, then: { properties: { to: S.phone }, required: ['to'] } },
  ],
};

const answer = S.object({
  channel: { type: 'string' }, to: { type: 'string' }, sent: { type: 'boolean' }, providerId: { type: 'string' }, response: { type: 'string' },
});

const NOT_CONFIGURED = {
  email: 'no mail server is configured (SMTP_URL, MAIL_FROM): emails are kept in the outbox, not sent',
  sms: 'no SMS provider is configured (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM): texts are kept in the outbox, not sent',
};

export const testMessageRoutes: RouteSpec[] = [
  defineRoute({
    method: 'post', path: '/settings/test-message', tag: 'Settings', access: 'admin',
    summary: 'Send a test email or SMS through the configured provider, to check the set-up',
    description: 'Answers 200 with what the provider said, 409 NOT_CONFIGURED when that channel has no provider, 502 DELIVERY_FAILED '
      + 'with the provider\'s reason when it refused. Nothing is stored.',
    body,
    responses: { 200: { description: 'sent', schema: answer }, 502: { description: 'DELIVERY_FAILED: the provider refused the message; detail gives its reason' } },
    handler: async ({ deps, tenantId, body: b }) => {
      const channel = b.channel as 'email' | 'sms';
      const tenant = await getTenant(deps.ds, tenantId);
      const to = (b.to as string | undefined) ?? (channel === 'email' ? tenant.adminEmail : null);
      if (!to) throw invalid('say where to send the test', [{ pointer: '/to', in: 'body', message: 'is required when the tenant has no admin email' }]);
      const transport = channel === 'email' ? deps.transports.mailer : deps.transports.sms;
      if (!transport.configured) throw new DomainError(409, 'NOT_CONFIGURED', NOT_CONFIGURED[channel]);
      const text = `This is a test message from Bookflow for ${tenant.name}. If you can read it, ${channel === 'email' ? 'email' : 'SMS'} delivery works.`;
      try {
        const sent = channel === 'email'
          ? await deps.transports.mailer.send({ to, subject: `Bookflow test email for ${tenant.name}`, text, messageId: `<${newId('test')}@bookflow>` })
          : await deps.transports.sms.send({ to, body: text }).then((r) => ({ providerId: r.providerId, response: r.status }));
        return { body: { channel, to, sent: true, providerId: sent.providerId, response: sent.response } };
      } catch (err) {
        if (err instanceof DeliveryError) throw new DomainError(502, 'DELIVERY_FAILED', `the provider did not take the test ${channel}: ${err.message}`, undefined, { providerCode: err.code });
        throw err;
      }
    },
  }),
];
