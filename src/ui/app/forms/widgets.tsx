// Custom rjsf widgets and fields, chosen by the generic uiSchema rules (ui-schema.ts):
//   template  a text input or textarea for a Handlebars template, with the variable picker
//   json      a JSON editor for schema-less values (a webhook body template)
import { createContext, useContext, useEffect, useRef, useState } from 'react';
import type { FieldProps, WidgetProps } from '@rjsf/utils';
import type { Helper } from '../lib/types';
import type { Variable } from './variables';
import { VariablePicker } from './VariablePicker';

/** What template fields offer: the current trigger's variables and the helpers. */
export const TemplateVars = createContext<{ variables: Variable[]; helpers: Helper[] }>({ variables: [], helpers: [] });

export function TemplateWidget(props: WidgetProps) {
  const { id, value, onChange, onBlur, onFocus, disabled, readonly, required, rawErrors, options, label, placeholder, autofocus } = props;
  const { variables, helpers } = useContext(TemplateVars);
  const ref = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const multiline = Boolean(options.multiline);
  const text = typeof value === 'string' ? value : '';

  const insert = (snippet: string) => {
    const el = ref.current;
    const start = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? text.length;
    const next = text.slice(0, start) + snippet + text.slice(end);
    onChange(next);
    const caret = start + snippet.length;
    requestAnimationFrame(() => {
      if (!el) return;
      el.focus();
      el.setSelectionRange(caret, caret);
    });
  };

  const common = {
    id, ref, name: id, value: text, disabled, readOnly: readonly, required, placeholder, autoFocus: autofocus,
    className: `input template-input ${multiline ? 'textarea' : ''}`,
    spellCheck: false,
    'aria-invalid': rawErrors?.length ? true : undefined,
    'aria-describedby': [`${id}__error`, `${id}__description`, `${id}__help`].join(' '),
    onBlur: () => onBlur(id, text),
    onFocus: () => onFocus(id, text),
  };
  return (
    <div className="template-field">
      {multiline
        ? <textarea {...common} rows={6} onChange={(e) => onChange(e.target.value === '' ? options.emptyValue : e.target.value)} />
        : <input {...common} type="text" onChange={(e) => onChange(e.target.value === '' ? options.emptyValue : e.target.value)} />}
      <div className="template-tools">
        <VariablePicker variables={variables} helpers={helpers} fieldLabel={label || id} onPick={insert} />
      </div>
    </div>
  );
}

/** A JSON value edited as text; the value changes only when the text parses. Empty text means "no value". */
export function JsonField(props: FieldProps) {
  const { formData, onChange, fieldPathId, schema, name, disabled, readonly, rawErrors } = props;
  const id = fieldPathId.$id;
  const [text, setText] = useState(() => (formData === undefined ? '' : JSON.stringify(formData, null, 2)));
  const [error, setError] = useState<string | null>(null);
  const last = useRef(formData);

  // Follow outside changes (another step reordered into this slot, a reset), not our own edits.
  useEffect(() => {
    if (JSON.stringify(formData) !== JSON.stringify(last.current)) {
      last.current = formData;
      setText(formData === undefined ? '' : JSON.stringify(formData, null, 2));
      setError(null);
    }
  }, [formData]);

  const change = (t: string) => {
    setText(t);
    if (!t.trim()) {
      setError(null);
      last.current = undefined;
      onChange(undefined, fieldPathId.path);
      return;
    }
    try {
      const v = JSON.parse(t);
      setError(null);
      last.current = v;
      onChange(v, fieldPathId.path);
    } catch (err) {
      setError(`Not valid JSON yet: ${(err as Error).message}`);
    }
  };
  const title = (schema.title as string | undefined) ?? name;
  const errors = [...(error ? [error] : []), ...((rawErrors as string[] | undefined) ?? [])];
  return (
    <div className={`form-group json-field ${errors.length ? 'has-error' : ''}`}>
      <label className="control-label" htmlFor={id}>{title}</label>
      <textarea id={id} className="input textarea mono" rows={6} value={text} disabled={disabled} readOnly={readonly} spellCheck={false}
        aria-invalid={errors.length ? true : undefined} aria-describedby={`${id}__jsonhelp ${id}__jsonerr`}
        onChange={(e) => change(e.target.value)} placeholder='{ "booking": "{{booking.id}}" }' />
      <p id={`${id}__jsonhelp`} className="field-hint">JSON; string values may use template variables like {'{{booking.id}}'}.</p>
      {errors.length ? <ul id={`${id}__jsonerr`} className="field-errors">{errors.map((e, i) => <li key={i}>{e}</li>)}</ul> : null}
    </div>
  );
}
