// The variables a template can use, from the trigger's `variables` JSON Schema (what the server checks templates
// against), flattened into dotted paths for the picker.
import { humanize } from '../lib/format';
import type { JSONSchema } from '../lib/types';

export interface Variable {
  path: string;
  group: string;
  type: string;
  description?: string;
  /** ISO timestamps: the picker also offers them through the formatDate helper. */
  date: boolean;
}

export function flattenVariables(schema: JSONSchema | undefined, prefix = '', out: Variable[] = [], depth = 0): Variable[] {
  for (const [key, s] of Object.entries<JSONSchema>(schema?.properties ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    const types = ([] as string[]).concat(s?.type ?? []);
    const nested = s?.properties && Object.keys(s.properties).length > 0;
    if (nested && depth < 6) {
      flattenVariables(s, path, out, depth + 1);
      continue;
    }
    if (types.includes('object') || types.includes('array')) continue;
    out.push({
      path,
      group: humanize(path.split('.')[0]),
      type: types.filter((t) => t !== 'null').join(' | ') || 'any',
      description: s?.description,
      date: /(Time|At|Start|End)$/.test(key) || /ISO 8601/.test(s?.description ?? ''),
    });
  }
  return out;
}

export function groupVariables(vars: Variable[]): [string, Variable[]][] {
  const groups = new Map<string, Variable[]>();
  for (const v of vars) {
    const list = groups.get(v.group) ?? [];
    list.push(v);
    groups.set(v.group, list);
  }
  return [...groups.entries()];
}
