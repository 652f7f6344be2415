// Date helpers refuse, on save, what is not a date; that rests on every date-time variable saying so
// (`format: 'date-time'`). A trigger that offers a time without it would have its {{formatDate ...}} refused.
import { expect } from 'chai';
import { triggers } from '../../src/engine/registry.js';

/** Every string variable (path) whose name says it is a point in time, as the UI's variable picker reads names. */
function timeNamed(schema: unknown, path: string, out: { path: string; format: unknown }[]): void {
  if (!schema || typeof schema !== 'object') return;
  const s = schema as Record<string, unknown>;
  const types = ([] as unknown[]).concat(s.type ?? []);
  const name = path.split('.').at(-1) ?? '';
  if (types.includes('string') && /(Time|At|Start|End|Since|Until)$/.test(name)) out.push({ path, format: s.format });
  for (const [k, v] of Object.entries((s.properties as Record<string, unknown>) ?? {})) timeNamed(v, path ? `${path}.${k}` : k, out);
}

describe('templates: date-time variables', () => {
  it('every trigger marks each of its times as a date-time', () => {
    const unmarked: string[] = [];
    let seen = 0;
    for (const { module: t } of triggers.values()) {
      const found: { path: string; format: unknown }[] = [];
      timeNamed(t.variables, '', found);
      seen += found.length;
      for (const f of found) if (f.format !== 'date-time') unmarked.push(`${t.type}: ${f.path}`);
    }
    expect(seen, 'the walk finds the times (booking.startTime and the like)').to.be.above(50);
    expect(unmarked).to.deep.equal([]);
  });
});
