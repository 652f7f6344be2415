// Rendering: one isolated Handlebars instance and a bounded cache of compiled templates.
//
// Trust model: templates are written by tenant admins, data (customer names, notes) by anyone. Handlebars never
// evaluates data as a template, so "{{x}}" in a name is printed as is. What we must keep:
//   - prototype access denied (the default since Handlebars 4.6): never pass allowProtoPropertiesByDefault or
//     allowProtoMethodsByDefault, or {{constructor.constructor}}-style templates reach Function;
//   - HTML escaping on exactly when the output is an email HTML body (RenderOptions.escapeHtml); elsewhere escaping
//     would show "&amp;" in a subject or an SMS.
import Handlebars from 'handlebars';
import { registerHelpers, type RenderData } from './helpers.js';

export interface RenderOptions {
  /** IANA zone for dates (the location's). */
  timezone: string;
  /** BCP 47 tag of the recipient, e.g. 'nb', 'en-GB'. A malformed tag falls back to 'en'. */
  language: string;
  /** Base URL for the url helper, no trailing slash. */
  publicUrl: string;
  /** true ONLY for an email HTML body; subject, plain text, SMS and webhook text are not escaped. */
  escapeHtml: boolean;
}

/**
 * A template that cannot be rendered (syntax error, unknown helper, partial). Not retriable: the same template fails
 * the same way until an admin edits it. checkTemplate reports all of these when the workflow is saved, so this means
 * the template was stored without that check (or before a helper was removed).
 */
export class TemplateError extends Error {
  readonly code = 'template_invalid';
  readonly retriable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TemplateError';
  }
}

/** The only Handlebars instance Bookflow renders with. Helpers registered here do not leak into the global one. */
export const handlebars = Handlebars.create();
registerHelpers(handlebars);

// Bounds for the compiled-template cache. Entries: a busy installation has a few thousand distinct templates
// (tenants x workflows x languages x fields). Characters: one huge HTML body must not pin the cache's memory.
// Least recently used goes first; a miss only costs one compile.
const CACHE_MAX_ENTRIES = 5000;
const CACHE_MAX_SOURCE_CHARS = 32 * 1024 * 1024;

const cache = new Map<string, Handlebars.TemplateDelegate>();
let cachedChars = 0;
let compiled = 0;

/** How many templates have been compiled since start: lets tests observe the cache. */
export function compiledCount(): number {
  return compiled;
}

/** Empties the cache (tests only; nothing in the engine needs it). */
export function clearTemplateCache(): void {
  cache.clear();
  cachedChars = 0;
}

function compiledTemplate(source: string, escapeHtml: boolean): Handlebars.TemplateDelegate {
  // The escape mode is part of the key: the same source compiles to different code with and without escaping.
  const key = (escapeHtml ? 'html:' : 'text:') + source;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key); // re-insert: Map order is our recency order
    cache.set(key, hit);
    return hit;
  }
  // Parse eagerly (Handlebars otherwise compiles lazily on first call), so a syntax error is thrown here and a broken
  // template never takes a cache slot. Compiling our own parse of the source is equivalent to compiling the string.
  const ast = handlebars.parse(source);
  // `trackIds` is a documented Handlebars compile option missing from its typings, hence the widened type. It gives
  // helpers options.ids, so the url helper can tell literals (kept) from values (fully encoded).
  const options: CompileOptions & { trackIds: boolean } = {
    noEscape: !escapeHtml,
    trackIds: true,
    // Names are looked up in the current scope only (no walking up the context stack): checkTemplate relies on it.
    compat: false,
  };
  const template = handlebars.compile(ast, options);
  compiled += 1;
  cache.set(key, template);
  cachedChars += key.length;
  for (const [oldKey] of cache) {
    if (cache.size <= CACHE_MAX_ENTRIES && cachedChars <= CACHE_MAX_SOURCE_CHARS) break;
    if (oldKey === key) break; // never evict the entry we are about to return
    cache.delete(oldKey);
    cachedChars -= oldKey.length;
  }
  return template;
}

/**
 * Renders a template with the run context. Missing values render as ''; only a broken template throws
 * (TemplateError, not retriable).
 */
export function renderTemplate(source: string, context: object, opts: RenderOptions): string {
  const data: RenderData = { timezone: opts.timezone, language: opts.language, publicUrl: opts.publicUrl };
  try {
    return compiledTemplate(source, opts.escapeHtml)(context, {
      data,
      // Explicitly the safe defaults: see the trust model at the top of this file.
      allowProtoPropertiesByDefault: false,
      allowProtoMethodsByDefault: false,
    });
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new TemplateError(
      `template cannot be rendered: ${detail}. Fix the template and save the workflow again (the save-time check lists every problem).`,
      { cause: error },
    );
  }
}
