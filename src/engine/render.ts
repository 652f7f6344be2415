// Rendering a step's templated fields for a recipient, and resolving recipients from the run context.
import { renderTemplate } from '../templates/index.js';
import type { ActionModule, Recipient, RunContext } from './contracts.js';
import { languageOf } from './context.js';

/**
 * The text of `field` for a language. The variant is chosen as a whole (exact tag, then its primary subtag, then the
 * tenant default language), so a message never mixes languages: a field missing from the chosen variant comes from
 * the base fields, not from another language's variant.
 */
export function pickVariant(config: Record<string, unknown>, field: string, language: string, tenantDefault: string): string {
  const variants = (config.variants ?? {}) as Record<string, Record<string, string | undefined>>;
  const chosen = variants[language] ?? variants[language.split('-')[0]] ?? variants[tenantDefault];
  return chosen?.[field] ?? String(config[field] ?? '');
}

/** What templates see: the context without engine internals. */
export function templateData(ctx: RunContext): Record<string, unknown> {
  return ctx;
}

export function renderField(opts: {
  module: ActionModule<any>; config: Record<string, unknown>; field: string; recipient: Recipient | null; context: RunContext; publicUrl: string;
}): string {
  const { context } = opts;
  const language = opts.recipient?.language ?? languageOf(context);
  const source = pickVariant(opts.config, opts.field, language, context.tenant.defaultLanguage);
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
