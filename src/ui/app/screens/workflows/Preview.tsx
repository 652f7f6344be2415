// The builder's live preview: the unsaved workflow is sent to POST /api/workflows/test (debounced) with the sample
// or a chosen booking and a language; the server renders every message. Its validation errors (the same checks as
// a save) are handed back to the builder, which shows each at its field.
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { api, ApiError, errorMessage, type FieldError } from '../../lib/api';
import type { DryRun } from '../../lib/types';
import { useDebounced } from '../../lib/use-api';
import { BookingSelect, LanguageSelect, useLanguages } from '../../components/BookingSelect';
import { DryRunView } from '../../components/DryRunView';
import { Icon } from '../../components/Icon';
import { behaviour, fromPreviewPointers, type Draft } from './draft';

type State =
  | { kind: 'idle' }
  | { kind: 'loading' }
  | { kind: 'ok'; result: DryRun }
  | { kind: 'invalid'; message: string }
  | { kind: 'error'; message: string };

export function Preview({ draft, onErrors }: { draft: Draft; onErrors(errors: FieldError[]): void }) {
  const [bookingId, setBookingId] = useState('');
  const [language, setLanguage] = useState('');
  const [state, setState] = useState<State>({ kind: 'idle' });
  const ids = { booking: useId(), language: useId() };
  const variantLangs = useMemo(() => draft.actions.flatMap((a) => Object.keys((a.config.variants as object | undefined) ?? {})), [draft.actions]);
  const languages = useLanguages(variantLangs);
  const errorsCb = useRef(onErrors);
  errorsCb.current = onErrors;

  const request = useMemo(() => JSON.stringify({ workflow: behaviour(draft), bookingId: bookingId || undefined, language: language || undefined }),
    [draft, bookingId, language]);
  const debounced = useDebounced(request, 450);

  useEffect(() => {
    const body = JSON.parse(debounced) as { workflow: ReturnType<typeof behaviour> };
    if (!body.workflow.trigger.type) {
      setState({ kind: 'idle' });
      return;
    }
    const ctrl = new AbortController();
    setState((s) => (s.kind === 'ok' ? s : { kind: 'loading' }));
    api.post<DryRun>('/workflows/test', body, { signal: ctrl.signal }).then(
      (result) => {
        setState({ kind: 'ok', result });
        errorsCb.current([]);
      },
      (err) => {
        if (ctrl.signal.aborted) return;
        if (err instanceof ApiError && (err.status === 400 || err.status === 422) && err.errors.length) {
          errorsCb.current(fromPreviewPointers(err.errors));
          // 422 is any template mistake: a syntax error as well as a variable the trigger does not offer.
          setState({ kind: 'invalid', message: err.status === 422 ? `A template needs fixing: ${err.errors[0].message}` : 'Some settings are missing or invalid.' });
        } else {
          setState({ kind: 'error', message: errorMessage(err) });
        }
      },
    );
    return () => ctrl.abort();
  }, [debounced]);

  const pending = request !== debounced;
  return (
    <section className="card preview" aria-labelledby="preview-title">
      <header className="preview-header">
        <h2 id="preview-title"><Icon name="eye" /> Preview</h2>
        <span className="preview-status muted small" role="status" aria-live="polite">
          {pending || state.kind === 'loading' ? 'Updating…' : state.kind === 'ok' ? 'Up to date' : ''}
        </span>
      </header>
      <div className="preview-controls">
        <div className="field">
          <label className="field-label" htmlFor={ids.booking}>Preview with</label>
          <BookingSelect id={ids.booking} value={bookingId} onChange={setBookingId} />
        </div>
        <div className="field">
          <label className="field-label" htmlFor={ids.language}>Language</label>
          <LanguageSelect id={ids.language} value={language} onChange={setLanguage} languages={languages} />
        </div>
      </div>
      <div className="preview-body" data-state={pending ? 'pending' : state.kind}>
        {state.kind === 'idle' ? <p className="muted small">Choose a trigger to see what this workflow would send.</p> : null}
        {state.kind === 'loading' ? <p className="muted small">Rendering…</p> : null}
        {state.kind === 'invalid' ? (
          <div className="banner banner-warning"><Icon name="alert" /><div className="banner-body"><strong>Nothing to show yet</strong><span>{state.message} The fields concerned are marked.</span></div></div>
        ) : null}
        {state.kind === 'error' ? <div className="banner banner-danger" role="alert"><Icon name="alert" /><div className="banner-body"><strong>The preview failed</strong><span>{state.message}</span></div></div> : null}
        {state.kind === 'ok' ? <DryRunView result={state.result} /> : null}
      </div>
    </section>
  );
}
