// A multiple choice as a row of checkbox chips in a fieldset: "nothing picked" means "any" (workflow and webhook
// filters).
import { useId, type ReactNode } from 'react';

export interface Option { value: string; label: string }

export function Picker({ legend, anyLabel, options, selected, onChange, errors, extra }: {
  legend: string; anyLabel: string; options: Option[]; selected: string[]; onChange(v: string[]): void; errors: string[]; extra?: ReactNode;
}) {
  const toggle = (v: string, on: boolean) => onChange(on ? [...selected, v] : selected.filter((s) => s !== v));
  const hint = useId();
  return (
    <fieldset className={`picker ${errors.length ? 'has-error' : ''}`} aria-describedby={hint}>
      <legend>{legend}</legend>
      <p id={hint} className="picker-state">{selected.length ? `${selected.length} selected` : anyLabel}</p>
      {options.length === 0 ? <p className="muted small">None yet.</p> : null}
      <div className="chips">
        {options.map((o) => (
          <label key={o.value} className={`chip ${selected.includes(o.value) ? 'chip-on' : ''}`}>
            <input type="checkbox" checked={selected.includes(o.value)} onChange={(e) => toggle(o.value, e.target.checked)} />
            <span>{o.label}</span>
          </label>
        ))}
      </div>
      {extra}
      {errors.length ? <ul className="field-errors">{errors.map((e, i) => <li key={i}>{e}</li>)}</ul> : null}
    </fieldset>
  );
}

