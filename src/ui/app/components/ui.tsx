// Small building blocks every screen uses: buttons, badges, a switch, loading/empty/error states, page header,
// labelled fields. Buttons are <button>s; links are <a>s; every control has a label.
import { useId, type ButtonHTMLAttributes, type ReactNode, type Ref } from 'react';
import { errorMessage, ApiError } from '../lib/api';
import type { Tone } from '../lib/format';
import { Icon } from './Icon';

type Variant = 'primary' | 'secondary' | 'ghost' | 'danger';

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: Variant;
  size?: 'sm' | 'md';
  icon?: string;
  busy?: boolean;
  ref?: Ref<HTMLButtonElement>;
}

export function Button({ variant = 'secondary', size = 'md', icon, busy, children, className, disabled, ...rest }: ButtonProps) {
  return (
    <button type="button" className={`btn btn-${variant} btn-${size} ${className ?? ''}`} disabled={disabled || busy} aria-busy={busy || undefined} {...rest}>
      {busy ? <span className="spinner spinner-sm" aria-hidden="true" /> : icon ? <Icon name={icon} size={size === 'sm' ? 15 : 17} /> : null}
      {children}
    </button>
  );
}

export function LinkButton({ href, variant = 'secondary', size = 'md', icon, children, ...rest }: {
  href: string; variant?: Variant; size?: 'sm' | 'md'; icon?: string; children: ReactNode; 'aria-label'?: string;
}) {
  return (
    <a href={href} className={`btn btn-${variant} btn-${size}`} {...rest}>
      {icon ? <Icon name={icon} size={size === 'sm' ? 15 : 17} /> : null}
      {children}
    </a>
  );
}

export function Badge({ tone = 'neutral', children, title }: { tone?: Tone; children: ReactNode; title?: string }) {
  return <span className={`badge badge-${tone}`} title={title}>{children}</span>;
}

/** An on/off switch: a button with role="switch", so Space and Enter toggle it. */
export function Switch({ checked, onChange, label, busy, hideLabel }: {
  checked: boolean; onChange(next: boolean): void; label: string; busy?: boolean; hideLabel?: boolean;
}) {
  return (
    <button type="button" role="switch" aria-checked={checked} className={`switch ${checked ? 'on' : ''}`}
      aria-label={hideLabel ? label : undefined} disabled={busy} onClick={() => onChange(!checked)}>
      <span className="switch-track" aria-hidden="true"><span className="switch-thumb" /></span>
      {hideLabel ? null : <span className="switch-label">{label}</span>}
    </button>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

export function Empty({ icon = 'bolt', title, children, action }: { icon?: string; title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty">
      <div className="empty-icon"><Icon name={icon} size={26} /></div>
      <h2 className="empty-title">{title}</h2>
      {children ? <p className="empty-text">{children}</p> : null}
      {action ? <div className="empty-action">{action}</div> : null}
    </div>
  );
}

export function ErrorBanner({ error, title, onRetry }: { error: unknown; title?: string; onRetry?: () => void }) {
  if (!error) return null;
  const code = error instanceof ApiError && error.code ? error.code : null;
  return (
    <div className="banner banner-danger" role="alert">
      <Icon name="alert" />
      <div className="banner-body">
        <strong>{title ?? 'Something went wrong'}</strong>
        <span>{errorMessage(error)}{code ? <span className="muted"> ({code})</span> : null}</span>
      </div>
      {onRetry ? <Button size="sm" onClick={onRetry}>Try again</Button> : null}
    </div>
  );
}

export function Notice({ tone = 'info', title, children, icon = 'alert' }: { tone?: 'info' | 'warning' | 'success'; title?: string; children: ReactNode; icon?: string }) {
  return (
    <div className={`banner banner-${tone}`}>
      <Icon name={icon} />
      <div className="banner-body">
        {title ? <strong>{title}</strong> : null}
        <span>{children}</span>
      </div>
    </div>
  );
}

export function PageHeader({ title, description, actions, back }: { title: ReactNode; description?: ReactNode; actions?: ReactNode; back?: { href: string; label: string } }) {
  return (
    <header className="page-header">
      <div className="page-heading">
        {back ? <a className="back-link" href={back.href}><Icon name="back" size={15} />{back.label}</a> : null}
        <h1>{title}</h1>
        {description ? <p className="page-description">{description}</p> : null}
      </div>
      {actions ? <div className="page-actions">{actions}</div> : null}
    </header>
  );
}

/** A label, a control, a hint and the errors that concern it (linked with aria-describedby). */
export function Field({ label, hint, errors, children, className }: {
  label: string; hint?: ReactNode; errors?: string[]; className?: string;
  children: (props: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean }) => ReactNode;
}) {
  const id = useId();
  const described = [hint ? `${id}-hint` : '', errors?.length ? `${id}-err` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field ${errors?.length ? 'has-error' : ''} ${className ?? ''}`}>
      <label htmlFor={id} className="field-label">{label}</label>
      {children({ id, 'aria-describedby': described, 'aria-invalid': errors?.length ? true : undefined })}
      {hint ? <p id={`${id}-hint`} className="field-hint">{hint}</p> : null}
      {errors?.length ? <ul id={`${id}-err`} className="field-errors">{errors.map((e, i) => <li key={i}>{e}</li>)}</ul> : null}
    </div>
  );
}

export function KeyValues({ items }: { items: [string, ReactNode][] }) {
  return (
    <dl className="kv">
      {items.map(([k, v]) => (
        <div key={k} className="kv-row"><dt>{k}</dt><dd>{v}</dd></div>
      ))}
    </dl>
  );
}
