// Step 1, "When this happens": the trigger and its settings form (generated from its configSchema).
import { useMemo } from 'react';
import { getDefaultFormState } from '@rjsf/utils';
import validator from '@rjsf/validator-ajv8';
import type { FieldError } from '../../lib/api';
import { humanize } from '../../lib/format';
import { useTenant } from '../../lib/tenant';
import type { JSONSchema, TriggerInfo } from '../../lib/types';
import { Field } from '../../components/ui';
import { ModuleForm } from '../../forms/ModuleForm';
import { errorsUnder, type Draft } from './draft';
import { StepCard } from './StepCard';

/** A new module config starts with its schema's defaults (what the server would fill in too). */
export function defaultsFor(schema: JSONSchema): Record<string, unknown> {
  try {
    return (getDefaultFormState(validator, schema as never, {}) ?? {}) as Record<string, unknown>;
  } catch {
    return {};
  }
}

const NO_VARS: never[] = [];

export function TriggerStep({ draft, onChange, errors }: {
  draft: Draft; onChange(trigger: Draft['trigger']): void; errors: FieldError[];
}) {
  const tenant = useTenant();
  const trigger = tenant.trigger(draft.trigger.type);
  const groups = useMemo(() => {
    const m = new Map<string, TriggerInfo[]>();
    for (const t of tenant.triggers) {
      const g = humanize(t.type.split('.')[0]);
      m.set(g, [...(m.get(g) ?? []), t]);
    }
    return [...m.entries()];
  }, [tenant.triggers]);
  const typeErrors = errorsUnder(errors, '/trigger').filter((e) => !e.pointer.startsWith('/config')).map((e) => e.message);
  const configErrors = useMemo(() => errorsUnder(errors, '/trigger/config'), [errors]);

  return (
    <StepCard n={1} id="step-when" title="When this happens" icon="bolt"
      summary={trigger ? trigger.title : 'Choose the event or moment that starts this workflow.'}>
      <Field label="Trigger" errors={typeErrors}>
        {(p) => (
          <select {...p} className="input" value={draft.trigger.type}
            onChange={(e) => {
              const t = tenant.trigger(e.target.value);
              onChange({ type: e.target.value, config: t ? defaultsFor(t.configSchema) : {} });
            }}>
            <option value="" disabled={Boolean(draft.trigger.type)}>Choose a trigger…</option>
            {groups.map(([group, list]) => (
              <optgroup key={group} label={group}>
                {list.map((t) => <option key={t.type} value={t.type}>{t.title}</option>)}
              </optgroup>
            ))}
          </select>
        )}
      </Field>
      {trigger ? (
        <>
          <p className="step-help">{trigger.description}</p>
          <ModuleForm idPrefix="trigger" schema={trigger.configSchema} value={draft.trigger.config}
            onChange={(config) => onChange({ type: draft.trigger.type, config })} errors={configErrors} variables={NO_VARS} helpers={NO_VARS} />
        </>
      ) : null}
    </StepCard>
  );
}
