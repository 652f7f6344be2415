// ajv, configured once: the same schemas validate requests here, and are published in OpenAPI and to the UI.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsImport from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import type { FieldError } from '../domain/errors.js';
import type { JSONSchema } from './schemas.js';

const addFormats = addFormatsImport as unknown as (ajv: Ajv2020) => Ajv2020;

/** An IANA zone name that this runtime's Intl knows (offsets like +01:00 are not zones). */
export function isTimeZone(tz: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/.test(tz) || tz.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * The instants the API takes: 1970-01-01 up to the end of 9999 (UTC). RFC 3339 allows year 0000, which Postgres
 * cannot store, and a booking from year 0001 would hold its resource for two thousand years.
 */
const EARLIEST = Date.UTC(1970, 0, 1);
const AFTER_LATEST = Date.UTC(10000, 0, 1);
const rfc3339 = fullFormats['date-time'] as { validate: (s: string) => boolean };
function isApiDateTime(s: string): boolean {
  if (!rfc3339.validate(s)) return false;
  const t = Date.parse(s);
  return t >= EARLIEST && t < AFTER_LATEST;
}
const DATE_TIME_MESSAGE = 'must be an RFC 3339 date-time with an offset between 1970 and 9999, e.g. 2026-01-15T10:00:00Z';

function configure(ajv: Ajv2020): Ajv2020 {
  addFormats(ajv);
  ajv.addFormat('date-time', { type: 'string', validate: isApiDateTime });
  ajv.addFormat('timezone', { type: 'string', validate: isTimeZone });
  ajv.addKeyword({ keyword: 'x-templated' });
  ajv.addKeyword({ keyword: 'x-widget' });
  ajv.addKeyword({ keyword: 'x-order' });
  ajv.addKeyword({ keyword: 'x-enum-titles' });
  ajv.addKeyword({ keyword: 'x-shown-when' });
  ajv.addKeyword({ keyword: 'x-not-here' });
  return ajv;
}

/** Bodies: exact types, no coercion; defaults filled in. */
export const bodyAjv = configure(new Ajv2020({ allErrors: true, strict: false, useDefaults: true, verbose: true }));
/** Query strings and path parameters arrive as strings: coerce them to the schema's types. */
export const queryAjv = configure(new Ajv2020({ allErrors: true, strict: false, useDefaults: true, coerceTypes: 'array', verbose: true }));

/**
 * Every string (value or key) holding U+0000, which Postgres text cannot store (it was a 500 from the database on
 * any route): one FieldError each, so the request is refused as bad input, naming where.
 */
export function nulErrors(value: unknown, where: FieldError['in'], pointer = ''): FieldError[] {
  const message = 'must not contain the NUL character (\\u0000)';
  if (typeof value === 'string') return value.includes('\0') ? [{ pointer: pointer || '/', in: where, message }] : [];
  if (!value || typeof value !== 'object') return [];
  const out: FieldError[] = [];
  for (const [k, v] of Object.entries(value)) {
    const at = `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (k.includes('\0')) out.push({ pointer: at, in: where, message: `the name ${message}` });
    out.push(...nulErrors(v, where, at));
  }
  return out;
}

/** ajv errors -> one FieldError per invalid field, each with a JSON pointer to it. */
export function fieldErrors(errors: ErrorObject[] | null | undefined, where: FieldError['in']): FieldError[] {
  const out: FieldError[] = [];
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    let pointer = e.instancePath;
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'required') {
      pointer = `${e.instancePath}/${(e.params as { missingProperty: string }).missingProperty}`;
      message = 'is required';
    } else if (e.keyword === 'additionalProperties') {
      const field = (e.params as { additionalProperty: string }).additionalProperty;
      pointer = `${e.instancePath}/${field}`;
      // A field the object has, but that cannot be sent here, says what to do instead (x-not-here: field -> message).
      message = (e.parentSchema as { 'x-not-here'?: Record<string, string> } | undefined)?.['x-not-here']?.[field] ?? 'is not a known field';
    } else if (e.keyword === 'enum') {
      message = `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    } else if (e.keyword === 'format' && (e.params as { format: string }).format === 'timezone') {
      message = 'must be an IANA time zone such as Europe/Oslo';
    } else if (e.keyword === 'format' && (e.params as { format: string }).format === 'date-time') {
      message = DATE_TIME_MESSAGE;
    } else if (e.keyword === 'pattern' && typeof (e.parentSchema as { description?: unknown } | undefined)?.description === 'string') {
      // "must be E.164, e.g. +4791234567" says more to a person than the regular expression does.
      message = `must be ${(e.parentSchema as { description: string }).description}`;
    }
    const key = `${pointer} ${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ pointer: pointer || '/', in: where, message });
  }
  return out;
}

export function compile(ajv: Ajv2020, schema: JSONSchema): ValidateFunction {
  return ajv.compile(schema);
}
