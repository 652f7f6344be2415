// Walking a trigger's `variables` JSON Schema one path segment at a time, for checkTemplate.
//
// The rules (deliberately stricter than JSON Schema validation, whose default is "additional properties allowed"):
//   - an object schema with `properties` knows exactly those names, unless it says `additionalProperties: true` (or a
//     schema), or a `patternProperties` pattern matches;
//   - an object schema with no `properties` at all (including `{}`) accepts any deeper path: nothing is known;
//   - `type: ['object', 'null']` and anyOf/oneOf/allOf are read through: a name known in any branch is accepted;
//   - arrays accept a numeric index (`items.[0]`) and `length`;
//   - a scalar (string, number, ...) has no fields;
//   - local `$ref`s (`#/$defs/x`) are followed; any other `$ref` is unknown, so accepted.
export type JSONSchema = Record<string, unknown>;
/** `true`: anything may be here (unknown, or open); `false`: nothing. */
export type Schema = JSONSchema | boolean;

export type Step =
  | { ok: true; schema: Schema }
  | { ok: false; /** names known at this level */ keys: string[]; /** set when the value cannot have fields, e.g. "a string" */ scalar?: string };

const MAX_NESTING = 32; // guards $ref cycles and absurd schemas

const isObject = (value: unknown): value is JSONSchema => typeof value === 'object' && value !== null && !Array.isArray(value);

function deref(schema: unknown, root: JSONSchema, seen = 0): Schema {
  if (typeof schema === 'boolean') return schema;
  if (!isObject(schema)) return true;
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  if (!ref.startsWith('#/') || seen > MAX_NESTING) return true;
  let target: unknown = root;
  for (const segment of ref.slice(2).split('/')) {
    const key = segment.replace(/~1/g, '/').replace(/~0/g, '~');
    target = isObject(target) ? target[key] : undefined;
  }
  return target === undefined ? true : deref(target, root, seen + 1);
}

const SHAPE_KEYS = ['type', 'properties', 'patternProperties', 'additionalProperties', 'items', 'enum', 'const'];

/** The schema and its anyOf/oneOf/allOf branches, flattened. A pure combinator wrapper is not itself a variant. */
function variants(schema: unknown, root: JSONSchema, out: Schema[] = [], depth = 0): Schema[] {
  const s = deref(schema, root);
  if (typeof s === 'boolean' || depth > MAX_NESTING) {
    out.push(typeof s === 'boolean' ? s : true);
    return out;
  }
  const branches = ['anyOf', 'oneOf', 'allOf'].flatMap((k) => (Array.isArray(s[k]) ? (s[k] as unknown[]) : []));
  if (branches.length === 0 || SHAPE_KEYS.some((k) => k in s)) out.push(s);
  for (const branch of branches) variants(branch, root, out, depth + 1);
  return out;
}

function types(s: JSONSchema): string[] | undefined {
  if (typeof s.type === 'string') return [s.type];
  if (Array.isArray(s.type)) return s.type.filter((t): t is string => typeof t === 'string');
  return undefined;
}

/** Could a value of this schema be of JSON type `t`? A schema without `type` could be anything. */
function allows(s: JSONSchema, t: 'object' | 'array'): boolean {
  const declared = types(s);
  return declared === undefined ? true : declared.includes(t);
}

/** An object about which nothing is known: any name is accepted below it. */
function isOpen(s: JSONSchema): boolean {
  return allows(s, 'object') && !('properties' in s) && !('patternProperties' in s) && !('additionalProperties' in s)
    && !('items' in s) && !('enum' in s) && !('const' in s);
}

function patternMatch(patterns: unknown, key: string, root: JSONSchema): Schema | undefined {
  if (!isObject(patterns)) return undefined;
  for (const [pattern, schema] of Object.entries(patterns)) {
    try {
      if (new RegExp(pattern, 'u').test(key)) return deref(schema, root);
    } catch {
      return true; // a pattern we cannot compile: accept rather than reject the admin's template
    }
  }
  return undefined;
}

function describeScalar(vs: Schema[]): string {
  const names = vs.flatMap((v) => (typeof v === 'object' ? types(v) ?? [] : [])).filter((t) => t !== 'null');
  const unique = [...new Set(names)].map((t) => (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`));
  return unique.length > 0 ? unique.join(' or ') : 'a plain value';
}

/** One step down: the schema of `key` inside a value of `schema`. */
export function child(schema: Schema, key: string, root: JSONSchema): Step {
  const vs = variants(schema, root);
  const keys = new Set<string>();
  let container = false;
  for (const v of vs) {
    if (v === true) return { ok: true, schema: true };
    if (v === false) continue;
    if (allows(v, 'object')) {
      container = true;
      const props = isObject(v.properties) ? v.properties : undefined;
      if (props && Object.hasOwn(props, key)) return { ok: true, schema: deref(props[key], root) };
      for (const name of Object.keys(props ?? {})) keys.add(name);
      const byPattern = patternMatch(v.patternProperties, key, root);
      if (byPattern !== undefined) return { ok: true, schema: byPattern };
      const extra = v.additionalProperties;
      if (extra === true || isObject(extra)) return { ok: true, schema: deref(extra, root) };
      if (isOpen(v)) return { ok: true, schema: true };
    }
    if (allows(v, 'array')) {
      container = true;
      if (/^\d+$/.test(key)) return { ok: true, schema: itemsOf(v, root) ?? true };
      if (key === 'length') return { ok: true, schema: { type: 'integer' } };
    }
  }
  return container ? { ok: false, keys: [...keys].sort() } : { ok: false, keys: [], scalar: describeScalar(vs) };
}

/**
 * What a value of this schema is, when it is known not to be a date-time: e.g. "text", "a number", "an object"; null
 * when it is (or may be) a date-time. Date-time variables say `format: 'date-time'` (or `date`); a schema without a
 * declared type, and any open one, may be anything, so it passes.
 */
export function notADate(schema: Schema, root: JSONSchema): string | null {
  const kinds = new Set<string>();
  for (const v of variants(schema, root)) {
    if (typeof v === 'boolean') {
      if (v) return null;
      continue;
    }
    const declared = types(v)?.filter((t) => t !== 'null');
    if (declared === undefined) return null;
    if (declared.includes('string') && (v.format === 'date-time' || v.format === 'date')) return null;
    for (const t of declared) kinds.add(t === 'string' ? 'text' : /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`);
  }
  return kinds.size ? [...kinds].join(' or ') : null;
}

/** Resolves a dotted path; on failure, says at which segment and what was known there. */
export function resolve(schema: Schema, parts: string[], root: JSONSchema):
  | { ok: true; schema: Schema }
  | { ok: false; index: number; keys: string[]; scalar?: string } {
  let current = schema;
  for (const [index, part] of parts.entries()) {
    const step = child(current, part, root);
    if (!step.ok) return { ok: false, index, keys: step.keys, scalar: step.scalar };
    current = step.schema;
  }
  return { ok: true, schema: current };
}

/** The scope inside {{#each}}: an array's items, an object's values; undefined when the value is not iterable. */
export function itemsOf(schema: Schema, root: JSONSchema): Schema | undefined {
  for (const v of variants(schema, root)) {
    if (typeof v === 'boolean') {
      if (v) return true;
      continue;
    }
    if (allows(v, 'array')) {
      if (isObject(v.items) || typeof v.items === 'boolean') return deref(v.items, root);
      if (types(v)?.includes('array')) return true; // tuple or unspecified items
    }
    if (allows(v, 'object')) {
      if (isObject(v.additionalProperties)) return deref(v.additionalProperties, root);
      // A closed object's values are its properties' ({{#each booking}}{{bogus}}{{/each}} rendered nothing, unchecked).
      const props = isObject(v.properties) ? Object.values(v.properties) : [];
      const closed = v.additionalProperties === false || (props.length > 0 && !('additionalProperties' in v) && !('patternProperties' in v));
      return closed && props.length ? { anyOf: props } : true;
    }
  }
  return undefined;
}

/** Optimal string alignment distance: Levenshtein plus adjacent swaps ("nmae" -> "name" is 1). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The candidate closest to `target`, if it is close enough to be what the author meant. */
export function closest(target: string, candidates: readonly string[]): string | undefined {
  const allowed = target.length <= 3 ? 1 : target.length <= 6 ? 2 : 3;
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = editDistance(target.toLowerCase(), name.toLowerCase());
    if (distance <= allowed && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}
