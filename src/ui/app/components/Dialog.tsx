// A modal dialog on the native <dialog> element: it traps focus, closes on Escape and returns focus to where it
// was opened from.
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { Icon } from './Icon';

export function Dialog({ open, title, onClose, children, footer, wide }: {
  open: boolean; title: string; onClose(): void; children: ReactNode; footer?: ReactNode; wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const opener = useRef<Element | null>(null);

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      opener.current = document.activeElement;
      d.showModal();
    } else if (!open && d.open) {
      d.close();
    }
  }, [open]);

  // Focus goes back to where the dialog was opened from, however it closes: Escape or × (the close event), or a
  // footer button after which its owner stops rendering it (no close event: focus was left on the page body).
  const restoreFocus = () => {
    const el = opener.current as HTMLElement | null;
    opener.current = null;
    if (el && document.contains(el)) el.focus();
  };
  useEffect(() => () => {
    if (opener.current) setTimeout(restoreFocus, 0); // after the unmount's DOM changes
  }, []);

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    const onCloseEvent = () => {
      restoreFocus();
      onClose();
    };
    d.addEventListener('close', onCloseEvent);
    return () => d.removeEventListener('close', onCloseEvent);
  }, [onClose]);

  return (
    <dialog ref={ref} className={`dialog ${wide ? 'dialog-wide' : ''}`} aria-labelledby={titleId}>
      {open ? (
        <div className="dialog-inner">
          <header className="dialog-header">
            <h2 id={titleId}>{title}</h2>
            <button type="button" className="icon-btn" aria-label="Close" onClick={() => ref.current?.close()}>
              <Icon name="x" />
            </button>
          </header>
          <div className="dialog-body">{children}</div>
          {footer ? <footer className="dialog-footer">{footer}</footer> : null}
        </div>
      ) : null}
    </dialog>
  );
}
