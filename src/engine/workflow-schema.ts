// The workflow document as the API accepts it, and its validation: the generic shape first (ajv), then each
// module's own config schema, then the module's extra checks, then every template against the trigger's variables.
// Schema problems are 400 VALIDATION_FAILED; templates that do not fit their trigger are 422 TEMPLATE_INVALID.
import { isDeepStrictEqual } from 'node:util';
import { id, language, object, bookingStatus, type JSONSchema } from '../api/schemas.js';
import { DomainError, type FieldError } from '../domain/errors.js';
import { fieldErrors } from '../api/validate.js';
import { checkTemplate } from '../templates/index.js';
import type { ActionModule } from './contracts.js';
import { actions, triggers } from './registry.js';

export interface Filters {
  locationIds: string[];
  serviceIds: string[];
  resourceIds: string[];
  statuses: string[];
  languages: string[];
}

export interface ActionStep {
  id: string;
  type: string;
  config: Record<string, unknown>;
}

export interface WorkflowDoc {
  name: string;
  description?: string | null;
  enabled: boolean;
  trigger: { type: string; config: Record<string, unknown> };
  filters: Filters;
  actions: ActionStep[];
}

const ids = (item: JSONSchema): JSONSchema => ({ type: 'array', items: item, uniqueItems: true, maxItems: 500, default: [] });

export const filtersSchema = object({
  locationIds: ids(id), serviceIds: ids(id), resourceIds: ids(id), statuses: ids(bookingStatus), languages: ids(language),
}, [], { description: 'Only run for bookings matching every non-empty list (empty = all).', default: {} });

const triggerRef = (types: string[]) => object({
  type: { type: 'string', enum: types, description: 'a trigger from GET /api/catalog/triggers' },
  config: { type: 'object', default: {}, description: 'validated against the trigger\'s configSchema' },
}, ['type']);

const actionRef = (types: string[]) => object({
  id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,40}$', description: 'stable id of this step (generated when omitted); secrets are kept per step id' },
  type: { type: 'string', enum: types, description: 'an action from GET /api/catalog/actions' },
  config: { type: 'object', default: {}, description: 'validated against the action\'s configSchema' },
}, ['type']);

export function workflowSchemas(): { create: JSONSchema; patch: JSONSchema; unsaved: JSONSchema } {
  const triggerTypes = [...triggers.keys()];
  const actionTypes = [...actions.keys()];
  const props: Record<string, JSONSchema> = {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    description: { type: ['string', 'null'], maxLength: 2000 },
    enabled: { type: 'boolean', default: true },
    trigger: triggerRef(triggerTypes),
    filters: filtersSchema,
    actions: { type: 'array', items: actionRef(actionTypes), maxItems: 20, default: [] },
  };
  // Danger: a patch must not carry defaults. The validator fills them in (useDefaults), and a PATCH of the name alone
  // would then re-enable the workflow, clear its filters and drop its actions.
  const patchProps = Object.fromEntries(Object.entries(props).map(([k, { default: _omitted, ...rest }]) => [k, rest]));
  return {
    create: object({ id, ...props }, ['name', 'trigger']),
    patch: object(patchProps),
    unsaved: object(props, ['trigger']),
  };
}

export const emptyFilters = (): Filters => ({ locationIds: [], serviceIds: [], resourceIds: [], statuses: [], languages: [] });

/** Every template of an action config with its pointer: the module's own list, or its templated fields and variants. */
export function templatesOf(module: ActionModule<any>, config: Record<string, unknown>): { pointer: string; source: string }[] {
  if (module.templates) return module.templates(config);
  const out: { pointer: string; source: string }[] = [];
  for (const f of module.templatedFields) if (typeof config[f] === 'string') out.push({ pointer: `/${f}`, source: config[f] as string });
  const variants = (config.variants ?? {}) as Record<string, Record<string, unknown>>;
  for (const [lang, v] of Object.entries(variants)) {
    for (const f of module.templatedFields) if (typeof v[f] === 'string') out.push({ pointer: `/variants/${lang}/${f}`, source: v[f] as string });
  }
  return out;
}

/**
 * Validates a complete workflow document in place (module defaults are filled in). Throws 400 for config that
 * does not fit a module's schema and 422 for templates that do not fit the trigger.
 *
 * `previous`: the workflow as stored, when this is a change of it. What the change leaves as it was is not checked
 * again: a workflow saved before a check was added (a template the check now refuses) can still be switched off,
 * renamed or have its other parts fixed, instead of answering 422 to every change, the off switch included.
 */
export function validateWorkflow(doc: WorkflowDoc, previous?: Pick<WorkflowDoc, 'trigger' | 'filters' | 'actions'>): void {
  const { invalid, templates } = check(doc, previous);
  if (invalid.length) throw new DomainError(400, 'VALIDATION_FAILED', 'the workflow is invalid', invalid);
  if (templates.length) {
    throw new DomainError(422, 'TEMPLATE_INVALID', `a template does not fit the trigger ${doc.trigger.type}: ${templates[0].message}`, templates);
  }
}

/**
 * What saving this stored workflow now would refuse, all of it: nothing, unless it was saved before a check was added
 * (a template the check now refuses). It still runs as stored, and a change checks only what it changes, so the list
 * and the builder show these to fix.
 */
export function problemsOf(doc: Pick<WorkflowDoc, 'name' | 'trigger' | 'filters' | 'actions'>): FieldError[] {
  // Asked for every workflow of every list answered (about 0.35 ms each: templates are parsed), and the answer
  // depends on the content alone: kept per content, so a list of 500 unchanged workflows is not checked again.
  const key = JSON.stringify([doc.name, doc.trigger, doc.filters, doc.actions]);
  let found = problemsCache.get(key);
  if (!found) {
    const { invalid, templates } = check(structuredClone({ ...doc, enabled: false, description: null }) as WorkflowDoc);
    found = [...invalid, ...templates];
    if (problemsCache.size >= PROBLEMS_CACHE_MAX) problemsCache.delete(problemsCache.keys().next().value!);
    problemsCache.set(key, found);
  }
  return found.map((e) => ({ ...e }));
}
const PROBLEMS_CACHE_MAX = 5000;
const problemsCache = new Map<string, FieldError[]>();

/** validateWorkflow's checks: what does not fit a schema or a rule (400), and templates that do not fit (422). */
function check(doc: WorkflowDoc, previous?: Pick<WorkflowDoc, 'trigger' | 'filters' | 'actions'>): { invalid: FieldError[]; templates: FieldError[] } {
  const trig = triggers.get(doc.trigger.type)!;
  const errors: FieldError[] = [];
  const triggerKept = previous !== undefined && isDeepStrictEqual(doc.trigger, previous.trigger);
  const filtersKept = previous !== undefined && isDeepStrictEqual(doc.filters, previous.filters);
  // a step is kept when it is as it was and so is the trigger (its templates are checked against the trigger's variables)
  const stepKept = (step: ActionStep): boolean => triggerKept && previous!.actions.some((p) => isDeepStrictEqual(p, step));
  const triggerValid = triggerKept || trig.validate(doc.trigger.config);
  if (!triggerValid) errors.push(...prefixed(fieldErrors(trig.validate.errors, 'body'), '/trigger/config'));
  const seen = new Set<string>();
  const unfit = new Set<number>(); // steps whose config does not fit its schema: their templates are not read
  doc.actions.forEach((step, i) => {
    const act = actions.get(step.type)!;
    if (seen.has(step.id)) errors.push({ pointer: `/actions/${i}/id`, in: 'body', message: `duplicate step id ${step.id}` });
    seen.add(step.id);
    if (stepKept(step)) return;
    if (!act.validate(step.config)) {
      errors.push(...prefixed(fieldErrors(act.validate.errors, 'body'), `/actions/${i}/config`));
      unfit.add(i);
      return;
    }
    for (const e of act.module.validate?.(step.config) ?? []) errors.push({ pointer: `/actions/${i}/config${e.pointer}`, in: 'body', message: e.message });
    if (act.module.triggers && !act.module.triggers.includes(doc.trigger.type)) {
      errors.push({ pointer: `/actions/${i}/type`, in: 'body', message: `${step.type} works only with the trigger(s) ${act.module.triggers.join(', ')}` });
    }
  });
  const reachable = !triggerValid || (triggerKept && filtersKept) ? null : trig.module.statusesWhenRun?.(doc.trigger.config);
  if (reachable && doc.filters.statuses.length && !doc.filters.statuses.some((st) => reachable.includes(st))) {
    errors.push({
      pointer: '/filters/statuses', in: 'body',
      message: `the booking's status is ${reachable.join(' or ')} when this trigger runs, and the filter allows only ${doc.filters.statuses.join(', ')}: the workflow would never run`,
    });
  }

  const templates: FieldError[] = [];
  doc.actions.forEach((step, i) => {
    if (unfit.has(i) || stepKept(step)) return;
    const act = actions.get(step.type)!.module;
    for (const t of templatesOf(act, step.config)) {
      for (const p of checkTemplate(t.source, trig.module.variables)) {
        templates.push({ pointer: `/actions/${i}/config${t.pointer}`, in: 'body', message: `${step.type} step ${i + 1}: ${p.message}` });
      }
    }
  });
  return { invalid: errors, templates };
}

function prefixed(errors: FieldError[], prefix: string): FieldError[] {
  return errors.map((e) => ({ ...e, pointer: `${prefix}${e.pointer === '/' ? '' : e.pointer}` }));
}
