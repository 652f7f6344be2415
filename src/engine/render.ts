// Rendering a step's templated fields for a recipient, and resolving recipients from the run context.
import { renderTemplate } from '../templates/index.js';
import type { ActionModule, Recipient, RunContext } from './contracts.js';
import { languageOf } from './context.js';

/**
 * Languages whose readers read each other's text better than the tenant's default: Norwegian's two written standards
 * and the generic `no` (CLDR gives nb and nn the parent `no`). An `nn` reader of a tenant that wrote `nb` and English
 * gets the `nb` text, as the waiting list's offer pages already treat them as one.
 */
const CLOSE_LANGUAGES: Record<string, string[]> = { nn: ['nb', 'no'], no: ['nb', 'nn'], nb: ['no', 'nn'] };

/**
 * The text of `field` for a language, and the language it is in. The variant is chosen as a whole (exact tag, then
 * its primary subtag, then a close language (CLOSE_LANGUAGES), then the tenant default language), so a message never
 * mixes languages: a field missing from the chosen variant comes from the base fields, not from another language's
 * variant. The base fields are taken to be in the tenant's default language. Dates and money are formatted in the
 * language of the text chosen (in the recipient's own tag when that is the same language: en-US dates for an en-US
 * reader of English text).
 */
export function pickVariant(config: Record<string, unknown>, field: string, language: string, tenantDefault: string): { source: string; language: string } {
  const variants = (config.variants ?? {}) as Record<string, Record<string, string | undefined>>;
  const primary = (tag: string) => tag.split('-')[0].toLowerCase();
  const close = CLOSE_LANGUAGES[primary(language)] ?? [];
  const key = [language, primary(language), ...close, tenantDefault].find((k) => variants[k] !== undefined);
  const textLanguage = key === undefined || key === tenantDefault ? tenantDefault : close.includes(key) ? key : language;
  return {
    source: (key === undefined ? undefined : variants[key][field]) ?? String(config[field] ?? ''),
    language: primary(textLanguage) === primary(language) ? language : textLanguage,
  };
}

/** The language of the text a recipient gets from a step (the variant chosen, see pickVariant): what its output reports. */
export function textLanguageFor(config: Record<string, unknown>, recipient: Recipient | null, context: RunContext): string {
  return pickVariant(config, '', recipient?.language ?? languageOf(context), context.tenant.defaultLanguage).language;
}

/** What templates see: the context without engine internals. */
export function templateData(ctx: RunContext): Record<string, unknown> {
  return ctx;
}

export function renderField(opts: {
  module: ActionModule<any>; config: Record<string, unknown>; field: string; recipient: Recipient | null; context: RunContext; publicUrl: string;
}): string {
  const { context } = opts;
  const { source, language } = pickVariant(opts.config, opts.field, opts.recipient?.language ?? languageOf(context), context.tenant.defaultLanguage);
  return renderTemplate(source, templateData(context), {
    timezone: context.timezone, language, publicUrl: opts.publicUrl, escapeHtml: opts.field === opts.module.htmlField,
  });
}

export function renderPlain(source: string, context: RunContext, publicUrl: string): string {
  return renderTemplate(source, templateData(context), { timezone: context.timezone, language: languageOf(context), publicUrl, escapeHtml: false });
}

/** Resolves `to` (customer, resource, admin, fixed) for a channel; a missing address is null, never an error. */
export function resolveRecipient(ctx: RunContext, config: Record<string, unknown>, to: string, channel: 'email' | 'sms'): Recipient {
  const field = channel === 'email' ? 'email' : 'phone';
  const tenantLanguage = ctx.tenant.defaultLanguage;
  switch (to) {
    case 'customer': {
      const optOut = (ctx.customer?.optOut ?? []) as string[];
      return {
        kind: 'customer', address: (ctx.customer?.[field] as string | null | undefined) ?? null, name: (ctx.customer?.name as string | undefined) ?? null,
        language: languageOf(ctx), optedOut: optOut.includes(channel),
      };
    }
    case 'resource':
      return { kind: 'resource', address: (ctx.resource?.[field] as string | null | undefined) ?? null, name: (ctx.resource?.name as string | undefined) ?? null, language: tenantLanguage, optedOut: false };
    case 'admin':
      return { kind: 'admin', address: channel === 'email' ? ctx.tenant.adminEmail : null, name: ctx.tenant.name, language: tenantLanguage, optedOut: false };
    default:
      return { kind: 'fixed', address: ((channel === 'email' ? config.address : config.phone) as string | undefined) ?? null, name: null, language: tenantLanguage, optedOut: false };
  }
}
