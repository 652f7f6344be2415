// "Insert variable": a searchable list of the trigger's variables and the template helpers. Picking one inserts
// `{{path}}` where the cursor was in the field. Escape closes it and returns focus to its button.
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { Icon } from '../components/Icon';
import { groupVariables, type Variable } from './variables';
import type { Helper } from '../lib/types';

/** "{{formatDate booking.startTime}}  ->  torsdag ..." -> "{{formatDate booking.startTime}}" */
const helperSnippet = (h: Helper): string => h.example.split(/\s+->\s+/)[0].trim();

export function VariablePicker({ variables, helpers, fieldLabel, onPick }: {
  variables: Variable[]; helpers: Helper[]; fieldLabel: string; onPick(text: string): void;
}) {
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const panelId = useId();
  const root = useRef<HTMLDivElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  const q = query.trim().toLowerCase();
  const shown = useMemo(() => variables.filter((v) => !q || v.path.toLowerCase().includes(q) || v.description?.toLowerCase().includes(q)), [variables, q]);
  const shownHelpers = useMemo(() => helpers.filter((h) => !q || h.name.toLowerCase().includes(q)), [helpers, q]);

  const pick = (text: string) => {
    setOpen(false);
    setQuery('');
    onPick(text);
  };
  const close = () => {
    setOpen(false);
    toggle.current?.focus();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      close();
    }
  };

  return (
    <div className="var-picker" ref={root}>
      <button ref={toggle} type="button" className="btn btn-ghost btn-sm var-toggle" aria-expanded={open} aria-controls={panelId}
        aria-label={`Insert variable into ${fieldLabel}`} onClick={() => setOpen((o) => !o)}>
        <Icon name="code" size={15} />Insert variable
      </button>
      {open ? (
        <div id={panelId} className="var-panel" role="dialog" aria-label={`Variables for ${fieldLabel}`} onKeyDown={onKeyDown}>
          <input type="search" className="input input-sm" aria-label="Search variables" placeholder="Search variables…" autoFocus
            value={query} onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                if (shown[0]) pick(`{{${shown[0].path}}}`);
              }
            }} />
          <div className="var-list">
            {shown.length === 0 && shownHelpers.length === 0 ? <p className="muted small">No variable matches “{query}”.</p> : null}
            {groupVariables(shown).map(([group, vars]) => (
              <section key={group} className="var-group" aria-label={group}>
                <h4>{group}</h4>
                <ul>
                  {vars.map((v) => (
                    <li key={v.path} className="var-item">
                      <button type="button" className="var-insert" onClick={() => pick(`{{${v.path}}}`)} title={v.description}>
                        <code>{v.path}</code>
                        <span className="var-type">{v.type}</span>
                      </button>
                      {v.date ? (
                        <button type="button" className="var-alt" aria-label={`Insert ${v.path} as a formatted date`}
                          onClick={() => pick(`{{formatDate ${v.path}}}`)}>as date</button>
                      ) : null}
                    </li>
                  ))}
                </ul>
              </section>
            ))}
            {shownHelpers.length ? (
              <section className="var-group" aria-label="Helpers">
                <h4>Helpers</h4>
                <ul>
                  {shownHelpers.map((h) => (
                    <li key={h.name} className="var-item">
                      <button type="button" className="var-insert helper" onClick={() => pick(helperSnippet(h))} title={h.description}>
                        <code>{helperSnippet(h)}</code>
                        <span className="var-desc">{h.description}</span>
                      </button>
                    </li>
                  ))}
                </ul>
              </section>
            ) : null}
          </div>
        </div>
      ) : null}
    </div>
  );
}
