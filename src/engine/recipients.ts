// Who receives a message, as config: the customer, the resource (staff/option), the tenant admin address, or a
// fixed address. Shared by the email and SMS actions.
import type { JSONSchema } from './contracts.js';

export const RECIPIENTS = ['customer', 'resource', 'admin', 'fixed'] as const;
export type RecipientKind = (typeof RECIPIENTS)[number];

export const recipientSchema = (channel: 'email' | 'sms'): JSONSchema => ({
  type: 'string',
  title: 'Send to',
  enum: channel === 'email' ? [...RECIPIENTS] : ['customer', 'resource', 'fixed'],
  default: 'customer',
  description: channel === 'email'
    ? 'customer, resource (staff/option), admin (the tenant admin email in settings) or fixed (the address below)'
    : 'customer, resource (staff/option) or fixed (the number below)',
});

/** Per-language variants of templated fields: { "nb": { "subject": "...", "html": "..." } }. */
export const variantsSchema = (fields: string[]): JSONSchema => ({
  type: 'object',
  title: 'Translations',
  description: 'Per-language versions, picked by the recipient\'s language (falling back to the tenant default language, then the fields above).',
  propertyNames: { pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$' },
  additionalProperties: {
    type: 'object',
    properties: Object.fromEntries(fields.map((f) => [f, { type: 'string', maxLength: 20000, 'x-templated': true }])),
    additionalProperties: false,
  },
  default: {},
});
