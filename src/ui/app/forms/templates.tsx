// rjsf's default buttons draw Bootstrap glyph icons (a font we do not ship); these say what they do in words. And an
// added entry (a translation, a header) is laid out as a small card: its name and Remove on top, its value below.
import type { IconButtonProps, SubmitButtonProps, TemplatesType, WrapIfAdditionalTemplateProps } from '@rjsf/utils';
import { ADDITIONAL_PROPERTY_FLAG, buttonId, englishStringTranslator, getUiOptions, TranslatableString } from '@rjsf/utils';
import { Icon } from '../components/Icon';

function TextButton({ label, icon, tone, props }: { label: string; icon: string; tone?: string; props: IconButtonProps }) {
  const { iconType: _i, icon: _ic, className, uiSchema: _u, registry: _r, ...rest } = props;
  return (
    <button type="button" className={`btn btn-sm ${tone ?? 'btn-ghost'} rjsf-btn ${className ?? ''}`} aria-label={rest.title ?? label} {...rest}>
      <Icon name={icon} size={14} />
      <span className="rjsf-btn-text">{label}</span>
    </button>
  );
}

export const buttonTemplates: Partial<TemplatesType['ButtonTemplates']> = {
  AddButton: (p: IconButtonProps) => <div className="rjsf-add"><TextButton label="Add" icon="plus" tone="btn-secondary" props={{ ...p, title: 'Add an entry' }} /></div>,
  RemoveButton: (p: IconButtonProps) => <TextButton label="Remove" icon="trash" props={p} />,
  MoveUpButton: (p: IconButtonProps) => <TextButton label="Up" icon="up" props={p} />,
  MoveDownButton: (p: IconButtonProps) => <TextButton label="Down" icon="down" props={p} />,
  CopyButton: (p: IconButtonProps) => <TextButton label="Copy" icon="plus" props={p} />,
  ClearButton: (p: IconButtonProps) => <TextButton label="Clear" icon="x" props={p} />,
  SubmitButton: (_p: SubmitButtonProps) => null,
};

/** rjsf's wording, with a plainer label for the name of an added entry (a translation's language, a header). */
export function translateString(s: TranslatableString, params?: string[]): string {
  if (s === TranslatableString.KeyLabel) return 'Key';
  return englishStringTranslator(s, params);
}

export function WrapIfAdditional(props: WrapIfAdditionalTemplateProps) {
  const { id, classNames, style, disabled, label, onKeyRenameBlur, onRemoveProperty, readonly, schema, children, registry, uiSchema, rawErrors, hideError } = props;
  const cls = ['form-group', classNames, !hideError && rawErrors?.length ? 'has-error' : ''].filter(Boolean).join(' ');
  if (!(ADDITIONAL_PROPERTY_FLAG in schema)) return <div className={cls} style={style}>{children}</div>;
  const { RemoveButton } = registry.templates.ButtonTemplates;
  const keyLabel = String(getUiOptions(uiSchema).keyLabel ?? 'Name');
  return (
    <div className={`${cls} additional-entry`} style={style}>
      <div className="additional-head">
        <label htmlFor={`${id}-key`} className="control-label">{keyLabel}</label>
        <input key={label} id={`${id}-key`} className="form-control key-input" type="text" defaultValue={label} onBlur={onKeyRenameBlur} disabled={disabled || readonly} />
        <RemoveButton id={buttonId(id, 'remove')} className="additional-remove" disabled={disabled || readonly} onClick={onRemoveProperty} uiSchema={uiSchema} registry={registry} />
      </div>
      <div className="additional-value">{children}</div>
    </div>
  );
}
