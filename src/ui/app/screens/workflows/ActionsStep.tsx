// Step 3, "Do this": the ordered actions, each with its settings form (generated from its configSchema) whose
// template fields offer the trigger's variables. Add, remove, reorder; focus follows what the keyboard user did.
import { useEffect, useId, useMemo, useRef, useState, type RefObject } from 'react';
import type { FieldError } from '../../lib/api';
import { actionInWords } from '../../lib/format';
import { useTenant } from '../../lib/tenant';
import { Icon } from '../../components/Icon';
import { Button } from '../../components/ui';
import { ModuleForm } from '../../forms/ModuleForm';
import { flattenVariables } from '../../forms/variables';
import { errorsUnder, stepKey, type Draft, type DraftStep } from './draft';
import { StepCard } from './StepCard';
import { defaultsFor } from './TriggerStep';

type Focus = { key: string; target: 'first' | 'up' | 'down' } | { key: 'add'; target: 'add' } | null;

export function ActionsStep({ draft, onChange, errors }: { draft: Draft; onChange(actions: DraftStep[]): void; errors: FieldError[] }) {
  const tenant = useTenant();
  const trigger = tenant.trigger(draft.trigger.type);
  const variables = useMemo(() => flattenVariables(trigger?.variables), [trigger]);
  const cards = useRef(new Map<string, HTMLElement>());
  const addButton = useRef<HTMLButtonElement>(null);
  const [focus, setFocus] = useState<Focus>(null);
  const steps = draft.actions;

  // Runs after the list re-rendered: move focus to where the user's action left things.
  useEffect(() => {
    if (!focus) return;
    setFocus(null);
    if (focus.target === 'add') return addButton.current?.focus();
    const card = cards.current.get(focus.key);
    if (!card) return;
    const sel = focus.target === 'first' ? 'input, select, textarea'
      : `[data-move="${focus.target}"]:not(:disabled), [data-move]:not(:disabled)`;
    (card.querySelector(sel) as HTMLElement | null)?.focus();
  }, [focus]);

  const add = (type: string) => {
    const info = tenant.action(type);
    const step: DraftStep = { key: stepKey(), type, config: info ? defaultsFor(info.configSchema) : {} };
    onChange([...steps, step]);
    setFocus({ key: step.key, target: 'first' });
  };
  const move = (i: number, by: -1 | 1) => {
    const next = [...steps];
    const [s] = next.splice(i, 1);
    next.splice(i + by, 0, s);
    onChange(next);
    setFocus({ key: s.key, target: by < 0 ? 'up' : 'down' });
  };
  const remove = (i: number) => {
    const next = steps.filter((_, j) => j !== i);
    onChange(next);
    const neighbour = next[Math.min(i, next.length - 1)];
    setFocus(neighbour ? { key: neighbour.key, target: 'first' } : { key: 'add', target: 'add' });
  };
  const update = (i: number, config: Record<string, unknown>) => onChange(steps.map((s, j) => (j === i ? { ...s, config } : s)));

  return (
    <StepCard n={3} id="step-do" title="Do this" icon="play"
      summary={steps.length ? `${steps.length} action${steps.length > 1 ? 's' : ''}, in this order.` : 'Add what should happen: an email, an SMS, a status change, a webhook…'}>
      {!trigger && steps.length ? <p className="step-help">Choose a trigger first: it decides which variables the messages can use.</p> : null}
      <ol className="action-list">
        {steps.map((s, i) => {
          const info = tenant.action(s.type);
          const title = info?.title ?? s.type;
          const own = errorsUnder(errors, `/actions/${i}`).filter((e) => !e.pointer.startsWith('/config/') && e.pointer !== '/config');
          const rootErrors = errorsUnder(errors, `/actions/${i}/config`).filter((e) => e.pointer === '/');
          return (
            <li key={s.key} className="action-card" ref={(el) => { if (el) cards.current.set(s.key, el); else cards.current.delete(s.key); }}
              aria-label={`Action ${i + 1}: ${title}`}>
              <div className="action-head">
                <span className="step-num" aria-hidden="true">{i + 1}</span>
                <div className="action-title">
                  <h3>{title}</h3>
                  <p className="muted small">{actionInWords(s, info)}</p>
                </div>
                <div className="action-tools">
                  <button type="button" className="icon-btn" data-move="up" disabled={i === 0} onClick={() => move(i, -1)}
                    aria-label={`Move action ${i + 1} (${title}) up`} title="Move up"><Icon name="up" size={16} /></button>
                  <button type="button" className="icon-btn" data-move="down" disabled={i === steps.length - 1} onClick={() => move(i, 1)}
                    aria-label={`Move action ${i + 1} (${title}) down`} title="Move down"><Icon name="down" size={16} /></button>
                  <button type="button" className="icon-btn danger" onClick={() => remove(i)}
                    aria-label={`Remove action ${i + 1} (${title})`} title="Remove"><Icon name="trash" size={16} /></button>
                </div>
              </div>
              {[...own, ...rootErrors].length ? <ul className="field-errors">{[...own, ...rootErrors].map((e, j) => <li key={j}>{e.message}</li>)}</ul> : null}
              {info ? (
                <ModuleForm idPrefix={`action-${s.key}`} schema={info.configSchema} value={s.config} onChange={(c) => update(i, c)}
                  errors={errorsUnder(errors, `/actions/${i}/config`)} variables={variables} helpers={tenant.helpers} />
              ) : <p className="field-errors">This server has no action “{s.type}”.</p>}
            </li>
          );
        })}
      </ol>
      <AddAction onAdd={add} buttonRef={addButton} />
    </StepCard>
  );
}

function AddAction({ onAdd, buttonRef }: { onAdd(type: string): void; buttonRef: RefObject<HTMLButtonElement | null> }) {
  const tenant = useTenant();
  const [open, setOpen] = useState(false);
  const menu = useId();
  const list = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (open) (list.current?.querySelector('button') as HTMLButtonElement | null)?.focus();
  }, [open]);
  return (
    <div className="add-action">
      <Button ref={buttonRef} icon="plus" aria-expanded={open} aria-controls={menu} onClick={() => setOpen((o) => !o)}>Add an action</Button>
      {open ? (
        <div id={menu} ref={list} className="action-menu" role="group" aria-label="Actions you can add"
          onKeyDown={(e) => { if (e.key === 'Escape') { setOpen(false); buttonRef.current?.focus(); } }}>
          {tenant.actions.map((a) => (
            <button key={a.type} type="button" className="action-option" onClick={() => { setOpen(false); onAdd(a.type); }}>
              <strong>{a.title}</strong>
              <span className="muted small">{a.description}</span>
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}
