// The workflow being edited, and how server errors (JSON pointers into the workflow document) find their field.
import type { FieldError } from '../../lib/api';
import type { Filters, Workflow } from '../../lib/types';

export interface DraftStep {
  /** Local, stable across reorders (React keys, input ids); never sent. */
  key: string;
  /** The saved step's id (kept, so webhook secrets stay with their step); new steps get one from the server. */
  id?: string;
  type: string;
  config: Record<string, unknown>;
}

export interface Draft {
  name: string;
  description: string;
  enabled: boolean;
  trigger: { type: string; config: Record<string, unknown> };
  filters: Filters;
  actions: DraftStep[];
}

let seq = 0;
export const stepKey = (): string => `s${++seq}`;

export const emptyFilters = (): Filters => ({ locationIds: [], serviceIds: [], resourceIds: [], statuses: [], languages: [] });

export const emptyDraft = (): Draft => ({
  name: '', description: '', enabled: true, trigger: { type: '', config: {} }, filters: emptyFilters(), actions: [],
});

export const fromWorkflow = (w: Workflow): Draft => ({
  name: w.name,
  description: w.description ?? '',
  enabled: w.enabled,
  trigger: { type: w.trigger.type, config: { ...w.trigger.config } },
  filters: { ...emptyFilters(), ...w.filters },
  actions: w.actions.map((a) => ({ key: stepKey(), id: a.id, type: a.type, config: { ...a.config } })),
});

/** The part of the document that decides what a workflow does (what the live preview sends). */
export const behaviour = (d: Draft) => ({
  trigger: d.trigger,
  filters: d.filters,
  actions: d.actions.map((a) => ({ ...(a.id ? { id: a.id } : {}), type: a.type, config: a.config })),
});

export const toDocument = (d: Draft) => ({
  name: d.name.trim(),
  description: d.description.trim() ? d.description.trim() : null,
  enabled: d.enabled,
  ...behaviour(d),
});

/** Errors at or under `prefix`, with pointers made relative to it ("/actions/0/config" + "/subject"). */
export function errorsUnder(errors: FieldError[], prefix: string): FieldError[] {
  return errors
    .filter((e) => e.pointer === prefix || e.pointer.startsWith(`${prefix}/`))
    .map((e) => ({ ...e, pointer: e.pointer.slice(prefix.length) || '/' }));
}

/** Pointers of the unsaved-workflow preview are inside its body: "/workflow/actions/0/..." -> "/actions/0/...". */
export const fromPreviewPointers = (errors: FieldError[]): FieldError[] =>
  errors.map((e) => ({ ...e, pointer: e.pointer.replace(/^\/workflow(?=\/|$)/, '') || '/' }));

/** Errors that no field on the page shows (so they are listed above the steps instead). */
export function unplacedErrors(errors: FieldError[], d: Draft): FieldError[] {
  const placed = (p: string) =>
    p === '/name' || p === '/description' || p.startsWith('/trigger') || p.startsWith('/filters')
    || d.actions.some((_, i) => p === `/actions/${i}` || p.startsWith(`/actions/${i}/`));
  return errors.filter((e) => !placed(e.pointer));
}
