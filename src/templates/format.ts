// Dates and money for message templates, through Intl only (no hand-made formats): the recipient's language picks the
// wording and order, the location's time zone picks the wall-clock time. Everything here is total: bad input gives
// '' (or a sensible fallback), never an exception, because a send must not fail over a missing optional value.

/** Styles accepted by `formatDate`; the default is `long`. */
export const DATE_STYLES = {
  /** 15.01.2026, 11:00 */
  short: { dateStyle: 'short', timeStyle: 'short' },
  /** 15. jan. 2026, 11:00 */
  medium: { dateStyle: 'medium', timeStyle: 'short' },
  /** torsdag 15. januar 2026 kl. 11:00 / Thursday, 15 January 2026 at 11:00 */
  long: { dateStyle: 'full', timeStyle: 'short' },
  /** long plus the zone's short name (CET, CEST, EST): for recipients who may be elsewhere. dateStyle cannot be
   *  combined with timeZoneName, hence the spelled-out components. */
  full: { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' },
} as const satisfies Record<string, Intl.DateTimeFormatOptions>;
export type DateStyle = keyof typeof DATE_STYLES;
export const DEFAULT_DATE_STYLE: DateStyle = 'long';

const TIME_ONLY: Intl.DateTimeFormatOptions = { timeStyle: 'short' };
const DAY_ONLY: Intl.DateTimeFormatOptions = { dateStyle: 'full' };

/** Used when the recipient's language tag is missing or malformed (Intl throws on e.g. 'en_GB!'). */
export const FALLBACK_LANGUAGE = 'en';

// A date-only value ("2026-03-29") names a calendar day, not an instant. `new Date()` reads it as UTC midnight, which
// is the previous day in America/New_York, so such values are formatted in UTC to keep the day the data meant.
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

export function isDateStyle(value: unknown): value is DateStyle {
  return typeof value === 'string' && Object.hasOwn(DATE_STYLES, value);
}

export function isValidTimeZone(zone: unknown): zone is string {
  if (typeof zone !== 'string' || zone === '') return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function safeLanguage(language: unknown): string {
  if (typeof language !== 'string' || language === '') return FALLBACK_LANGUAGE;
  try {
    return Intl.getCanonicalLocales(language)[0] ?? FALLBACK_LANGUAGE;
  } catch {
    return FALLBACK_LANGUAGE;
  }
}

/** An ISO string, epoch milliseconds or a Date -> a valid Date, or undefined. */
export function toDate(value: unknown): Date | undefined {
  let date: Date;
  if (value instanceof Date) date = value;
  else if (typeof value === 'number') date = new Date(value);
  else if (typeof value === 'string' && value.trim() !== '') date = new Date(value.trim());
  else return undefined;
  return Number.isNaN(date.getTime()) ? undefined : date;
}

// Building an Intl formatter costs far more than using one, and a batch of reminders formats the same
// (language, zone, style) thousands of times. The key space is small in practice; the cap only guards against abuse.
const FORMATTERS_MAX = 1000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function dateFormatter(language: string, timeZone: string, style: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${language}|${timeZone}|${style}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    if (formatters.size >= FORMATTERS_MAX) formatters.clear();
    formatter = new Intl.DateTimeFormat(language, { ...options, timeZone });
    formatters.set(key, formatter);
  }
  return formatter;
}

export interface DateFormatInput {
  value: unknown;
  /** 'time' and 'day' are formatTime / formatDay; otherwise a DateStyle (unknown styles fall back to the default). */
  style: DateStyle | 'time' | 'day' | string;
  /** IANA zone; an invalid one falls back to `fallbackTimeZone`, then UTC. */
  timeZone: unknown;
  fallbackTimeZone: unknown;
  language: unknown;
}

export function formatDateValue(input: DateFormatInput): string {
  const date = toDate(input.value);
  if (!date) return '';
  const dateOnly = typeof input.value === 'string' && DATE_ONLY.test(input.value.trim());
  const timeZone = dateOnly ? 'UTC'
    : isValidTimeZone(input.timeZone) ? input.timeZone
    : isValidTimeZone(input.fallbackTimeZone) ? input.fallbackTimeZone
    : 'UTC';
  const style = input.style === 'time' || input.style === 'day' || isDateStyle(input.style) ? input.style : DEFAULT_DATE_STYLE;
  const options = style === 'time' ? TIME_ONLY : style === 'day' ? DAY_ONLY : DATE_STYLES[style];
  return dateFormatter(safeLanguage(input.language), timeZone, style, options).format(date);
}

export interface MoneyFormatInput {
  /** In major units (450 = 450 kr), as stored by the payments domain. A numeric string is accepted. */
  amount: unknown;
  /** ISO 4217 code; without one the amount is formatted as a plain number. */
  currency: unknown;
  language: unknown;
}

export function formatMoneyValue(input: MoneyFormatInput): string {
  const amount = typeof input.amount === 'number' ? input.amount
    : typeof input.amount === 'string' && input.amount.trim() !== '' ? Number(input.amount)
    : Number.NaN;
  if (!Number.isFinite(amount)) return '';
  const language = safeLanguage(input.language);
  const currency = typeof input.currency === 'string' ? input.currency.trim().toUpperCase() : '';
  if (currency === '') return new Intl.NumberFormat(language, { maximumFractionDigits: 2 }).format(amount);
  try {
    return new Intl.NumberFormat(language, { style: 'currency', currency }).format(amount);
  } catch {
    // A malformed code ('kroner') makes Intl throw; show the number and what the data said rather than nothing.
    return `${new Intl.NumberFormat(language, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(amount)} ${input.currency}`;
  }
}
