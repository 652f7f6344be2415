// The helpers a template can call, declared once: the runtime implementations, the save-time rules checkTemplate
// applies (arity, hash keys, block use) and the descriptions the UI's picker and the docs show all come from SPECS.
//
// Helpers read the render settings (time zone, language, public URL) from Handlebars' @data, never from module state,
// so one compiled template serves every tenant and location. Every helper is total: missing or malformed values
// render as '' instead of throwing, because a typo in a customer's optional field must not fail a send.
import type Handlebars from 'handlebars';
import { DATE_STYLES, formatDateValue, formatMoneyValue, safeLanguage } from './format.js';

/** What renderTemplate passes as @data; also readable in templates as {{@timezone}}, {{@language}}, {{@publicUrl}}. */
export interface RenderData {
  timezone: string;
  language: string;
  publicUrl: string;
}

// The part of Handlebars' helper options we use. `ids` exists because templates are compiled with `trackIds`: for each
// param it holds the source path, or null when the param was a literal (the url helper needs to tell them apart).
interface HelperOptions {
  hash: Record<string, unknown>;
  data?: Partial<RenderData>;
  ids?: (string | null | boolean)[];
}

interface HelperSpec {
  name: string;
  description: string;
  example: string;
  minParams: number;
  maxParams: number;
  /** hash keys accepted (key=value) */
  hashKeys: string[];
  /** usable as {{#name}}...{{/name}} */
  block: boolean;
  /** absent for Handlebars' built-ins, which the instance already has */
  run?: (params: unknown[], options: HelperOptions) => unknown;
}

const text = (value: unknown): string => (value === null || value === undefined ? '' : String(value));

const dateHelper = (style: (params: unknown[]) => unknown) => (params: unknown[], options: HelperOptions): string =>
  formatDateValue({
    value: params[0],
    style: String(style(params) ?? ''),
    timeZone: options.hash.tz,
    fallbackTimeZone: options.data?.timezone,
    language: options.data?.language,
  });

const SPECS: HelperSpec[] = [
  {
    name: 'formatDate',
    description: `Date and time in the location's time zone and the recipient's language. Optional style: ${Object.keys(DATE_STYLES).join(', ')} (default long). tz="Area/City" overrides the zone.`,
    example: '{{formatDate booking.startTime}}  ->  torsdag 15. januar 2026 kl. 11:00',
    minParams: 1, maxParams: 2, hashKeys: ['tz'], block: false,
    run: dateHelper((params) => params[1]),
  },
  {
    name: 'formatTime',
    description: "Time of day only, in the location's time zone. tz=\"Area/City\" overrides the zone.",
    example: '{{formatTime booking.startTime}}  ->  11:00',
    minParams: 1, maxParams: 1, hashKeys: ['tz'], block: false,
    run: dateHelper(() => 'time'),
  },
  {
    name: 'formatDay',
    description: "Weekday and date only, in the location's time zone. tz=\"Area/City\" overrides the zone.",
    example: '{{formatDay booking.startTime}}  ->  torsdag 15. januar 2026',
    minParams: 1, maxParams: 1, hashKeys: ['tz'], block: false,
    run: dateHelper(() => 'day'),
  },
  {
    name: 'formatMoney',
    description: "An amount in major units (450 = 450 kr) with its ISO currency code, in the recipient's language.",
    example: '{{formatMoney event.data.payment.amount event.data.payment.currency}}  ->  450,00 kr',
    minParams: 1, maxParams: 2, hashKeys: [], block: false,
    run: (params, options) => formatMoneyValue({ amount: params[0], currency: params[1], language: options.data?.language }),
  },
  {
    name: 'url',
    description: 'A link into Bookflow: the public URL followed by the parts. Values are URL-encoded (a slash in a value too); text written in quotes is kept as written.',
    example: '{{url "/bookings/" booking.id}}  ->  https://book.example.com/bookings/b%2042',
    minParams: 0, maxParams: Number.POSITIVE_INFINITY, hashKeys: [], block: false,
    run: (params, options) => joinUrl(options.data?.publicUrl, params, options.ids),
  },
  {
    name: 'encode',
    description: 'The value URL-encoded, for a part of a URL (a query value, a path segment): a customer name with & or # cannot add a parameter or cut the URL short.',
    example: 'https://crm.example.com/hook?name={{encode customer.name}}  ->  ?name=Kari%20%26%20Ola',
    minParams: 1, maxParams: 1, hashKeys: [], block: false,
    run: (params) => encodeURIComponent(text(params[0])),
  },
  {
    name: 'eq',
    description: 'True when both values are exactly equal (no type conversion). Use inside if/unless.',
    example: '{{#if (eq booking.status "confirmed")}}See you soon!{{/if}}',
    minParams: 2, maxParams: 2, hashKeys: [], block: false,
    run: (params) => params[0] === params[1],
  },
  {
    name: 'default',
    description: 'The value, or the fallback when the value is missing or empty.',
    example: '{{default customer.name "customer"}}',
    minParams: 2, maxParams: 2, hashKeys: [], block: false,
    run: (params) => (params[0] === null || params[0] === undefined || params[0] === '' ? params[1] ?? '' : params[0]),
  },
  {
    name: 'upper',
    description: "Upper case, by the recipient's language rules.",
    example: '{{upper service.name}}',
    minParams: 1, maxParams: 1, hashKeys: [], block: false,
    run: (params, options) => text(params[0]).toLocaleUpperCase(safeLanguage(options.data?.language)),
  },
  {
    name: 'lower',
    description: "Lower case, by the recipient's language rules.",
    example: '{{lower customer.email}}',
    minParams: 1, maxParams: 1, hashKeys: [], block: false,
    run: (params, options) => text(params[0]).toLocaleLowerCase(safeLanguage(options.data?.language)),
  },
  // Handlebars' built-ins, listed so the checker knows them and the docs show them.
  {
    name: 'if', description: 'Shows the block when the value is present and not false, 0 or empty; {{else}} otherwise.',
    example: '{{#if customer.phone}}We will text {{customer.phone}}.{{else}}No phone on file.{{/if}}',
    minParams: 1, maxParams: 1, hashKeys: ['includeZero'], block: true,
  },
  {
    name: 'unless', description: 'The opposite of if.',
    example: '{{#unless booking.notes}}No notes.{{/unless}}',
    minParams: 1, maxParams: 1, hashKeys: ['includeZero'], block: true,
  },
  {
    name: 'each', description: 'Repeats the block for each item of a list; inside, names refer to the item, ../name to the outside, and @index, @first, @last, @key are available.',
    example: '{{#each items}}{{@index}}: {{name}}{{/each}}',
    minParams: 1, maxParams: 1, hashKeys: [], block: true,
  },
  {
    name: 'with', description: 'Shows the block with the value as the scope, so names inside are read from it.',
    example: '{{#with customer}}{{name}} ({{email}}){{/with}}',
    minParams: 1, maxParams: 1, hashKeys: [], block: true,
  },
  {
    name: 'lookup', description: 'Reads a field whose name is in another value.',
    example: '{{lookup event.data.changes "startTime"}}',
    minParams: 2, maxParams: 2, hashKeys: [], block: false,
  },
  {
    // Kept known so old templates still pass the check, but replaced by a no-op below: Handlebars' log would write
    // customer data (tenant-chosen) into our server logs.
    name: 'log', description: 'Does nothing in messages (kept for compatibility).',
    example: '{{log "note"}}',
    minParams: 0, maxParams: Number.POSITIVE_INFINITY, hashKeys: ['level'], block: false,
    run: () => '',
  },
];

const BY_NAME = new Map(SPECS.map((spec) => [spec.name, spec]));

export function helperSpec(name: string): HelperSpec | undefined {
  return BY_NAME.get(name);
}

export const HELPER_NAMES: readonly string[] = SPECS.map((spec) => spec.name);

/** For the UI's variable picker and the docs. `log` is left out: it does nothing. */
export const HELPERS: { name: string; description: string; example: string }[] = SPECS
  .filter((spec) => spec.name !== 'log')
  .map(({ name, description, example }) => ({ name, description, example }));

/** Registers our helpers on an isolated instance (never the global Handlebars, which other code may share). */
export function registerHelpers(instance: typeof Handlebars): void {
  for (const spec of SPECS) {
    const run = spec.run;
    if (!run) continue;
    instance.registerHelper(spec.name, (...args: unknown[]) => {
      const options = args.pop() as HelperOptions;
      return run(args, options);
    });
  }
}

function joinUrl(publicUrl: unknown, parts: unknown[], ids: HelperOptions['ids']): string {
  const base = text(publicUrl).replace(/\/+$/, '');
  // A literal was written by the tenant admin: keep its slashes, ? and & (encodeURI). A value comes from data, which
  // anyone may have typed: encode everything (encodeURIComponent), so "../admin" or "x?y" cannot change the link.
  // Without ids (a template compiled without trackIds) every part counts as data: safe, if less convenient.
  const path = parts
    .map((part, i) => (ids?.[i] === null ? encodeURI(text(part)) : encodeURIComponent(text(part))))
    .join('');
  if (path === '') return base;
  return path.startsWith('/') ? base + path : `${base}/${path}`;
}
