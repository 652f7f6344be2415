// rjsf's default buttons draw Bootstrap glyph icons (a font we do not ship); these say what they do in words.
import type { IconButtonProps, SubmitButtonProps, TemplatesType } from '@rjsf/utils';
import { englishStringTranslator, TranslatableString } from '@rjsf/utils';
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
