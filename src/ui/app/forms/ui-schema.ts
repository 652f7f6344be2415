// From a module's JSON Schema to an rjsf uiSchema, by generic rules only (never per module), so a new trigger or
// action gets its form without UI code:
//   'x-templated': true   -> the template widget (variable picker), multi-line when 'x-widget' is 'textarea'
//   'x-widget': 'textarea' -> a textarea;  'x-widget': 'json' -> the JSON editor field
//   an array of unique enum values -> a row of checkboxes;  snake_case enum values get readable labels
//   a small object of plain fields (an offset: amount + unit) -> laid out on one line
//   an added entry (additionalProperties: translations, headers) is named by a language tag or a name
//   a field without a title borrows the title of the top-level field with the same name (translations), else its
//   name in words;  'x-order' -> ui:order
//   'x-shown-when': { to: ['fixed'] } on a field -> hidden unless its sibling `to` has one of those values (a value
//   it holds meanwhile is kept, and the server ignores it)
import type { UiSchema } from '@rjsf/utils';
import { humanize } from '../lib/format';
import type { JSONSchema } from '../lib/types';

const typesOf = (s: JSONSchema): string[] => ([] as string[]).concat(s?.type ?? []);
const isPlain = (s: JSONSchema): boolean => {
  const t = typesOf(s).filter((x) => x !== 'null');
  return t.length === 1 && ['string', 'integer', 'number', 'boolean'].includes(t[0]) && !s['x-templated'] && !s['x-widget'];
};

/** What the name of an added entry is: a language when the names must be language tags, else just a name. */
const keyLabel = (s: JSONSchema): string => (/\[a-z\]\{2,3\}/.test(String(s.propertyNames?.pattern ?? '')) ? 'Language (e.g. nb)' : 'Name');

/** Lower-case identifiers become words; anything else (POST, en-GB) is shown as written. */
export const enumLabel = (v: unknown): string => (typeof v === 'string' && /^[a-z][a-z0-9_]*$/.test(v) ? humanize(v) : String(v));

/** Whether a field with 'x-shown-when' is shown for these sibling values (a missing value counts as the default). */
function shown(schema: JSONSchema, siblings: Record<string, unknown>, props: Record<string, JSONSchema>): boolean {
  const when = schema?.['x-shown-when'] as Record<string, unknown[]> | undefined;
  if (!when || typeof when !== 'object') return true;
  return Object.entries(when).every(([key, values]) => Array.isArray(values) && values.includes(siblings[key] ?? props[key]?.default));
}

function build(schema: JSONSchema, titles: Record<string, string>, name?: string, data?: unknown): UiSchema {
  const ui: UiSchema = {};
  if (!schema || typeof schema !== 'object') return ui;
  if (!schema.title && name) ui['ui:title'] = titles[name] ?? humanize(name);

  if (schema['x-widget'] === 'json') ui['ui:field'] = 'json';
  else if (schema['x-templated']) {
    ui['ui:widget'] = 'template';
    ui['ui:options'] = { multiline: schema['x-widget'] === 'textarea' || (schema.maxLength ?? 0) > 2000 };
  } else if (schema['x-widget'] === 'textarea') ui['ui:widget'] = 'textarea';

  // 'x-enum-titles' names values for people ({ fifo: 'Whoever waited longest' }); others are humanized.
  const named = (values: unknown[], titles: unknown) => values.map((v) => (titles as Record<string, string> | undefined)?.[String(v)] ?? enumLabel(v));
  if (Array.isArray(schema.enum)) ui['ui:enumNames'] = named(schema.enum, schema['x-enum-titles']);

  const types = typesOf(schema);
  if (types.includes('array') && schema.items && Array.isArray(schema.items.enum) && schema.uniqueItems) {
    ui['ui:widget'] = 'checkboxes';
    ui['ui:options'] = { inline: true };
    ui.items = { 'ui:enumNames': named(schema.items.enum, schema.items['x-enum-titles']) };
  }

  if (types.includes('object') || schema.properties) {
    const props: Record<string, JSONSchema> = schema.properties ?? {};
    const values = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
    for (const [key, prop] of Object.entries(props)) {
      ui[key] = build(prop, titles, key, values[key]);
      if (!shown(prop, values, props)) ui[key]['ui:widget'] = 'hidden';
    }
    if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
      const entry = build(schema.additionalProperties, titles);
      ui.additionalProperties = { ...entry, 'ui:options': { ...(entry['ui:options'] as object | undefined), keyLabel: keyLabel(schema) } };
    }
    const entries = Object.values(props);
    if (entries.length >= 2 && entries.length <= 3 && entries.every(isPlain)) ui['ui:classNames'] = 'inline-object';
    if (Array.isArray(schema['x-order'])) ui['ui:order'] = [...schema['x-order'], '*'];
  }
  return ui;
}

/** The uiSchema of a form; `data`, its current value, decides which 'x-shown-when' fields show. */
export function uiSchemaFor(schema: JSONSchema, data?: Record<string, unknown>): UiSchema {
  const titles: Record<string, string> = {};
  for (const [key, prop] of Object.entries<JSONSchema>(schema?.properties ?? {})) if (prop?.title) titles[key] = prop.title;
  return { ...build(schema, titles, undefined, data), 'ui:submitButtonOptions': { norender: true } };
}

/** True when the schema asks for nothing (e.g. "A booking is added" has no settings). */
export const hasNoFields = (schema: JSONSchema): boolean =>
  !schema || (typesOf(schema).includes('object') && Object.keys(schema.properties ?? {}).length === 0 && !schema.additionalProperties);

/** The top-level fields whose values show or hide others ('x-shown-when'). */
export const shownWhenKeys = (schema: JSONSchema): string[] => [...new Set(Object.values<JSONSchema>(schema?.properties ?? {})
  .flatMap((p) => (p?.['x-shown-when'] && typeof p['x-shown-when'] === 'object' ? Object.keys(p['x-shown-when']) : [])))];
