// Test a saved workflow against a booking: every message it would send, rendered, and nothing sent.
import { useId, useState } from 'react';
import { api } from '../../lib/api';
import type { DryRun, Workflow } from '../../lib/types';
import { BookingSelect, LanguageSelect, useLanguages } from '../../components/BookingSelect';
import { Dialog } from '../../components/Dialog';
import { DryRunView } from '../../components/DryRunView';
import { Button, ErrorBanner } from '../../components/ui';

export function TestDialog({ workflow, onClose }: { workflow: Workflow | null; onClose(): void }) {
  const [bookingId, setBookingId] = useState('');
  const [language, setLanguage] = useState('');
  const [result, setResult] = useState<DryRun | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const languages = useLanguages();
  const ids = { booking: useId(), language: useId() };

  async function run() {
    if (!workflow) return;
    setBusy(true);
    setError(null);
    try {
      setResult(await api.post<DryRun>(`/workflows/${encodeURIComponent(workflow.id)}/test`, {
        ...(bookingId ? { bookingId } : {}), ...(language ? { language } : {}),
      }));
    } catch (err) {
      setResult(null);
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const close = () => {
    setResult(null);
    setError(null);
    onClose();
  };

  return (
    <Dialog open={Boolean(workflow)} wide title={`Test “${workflow?.name ?? ''}”`} onClose={close}
      footer={<><Button onClick={close}>Close</Button><Button variant="primary" icon="play" busy={busy} onClick={run}>Run test</Button></>}>
      <p className="muted">Shows what this workflow would do for a booking. Nothing is sent and nothing changes.</p>
      <div className="form-row">
        <div className="field">
          <label className="field-label" htmlFor={ids.booking}>Booking</label>
          <BookingSelect id={ids.booking} value={bookingId} onChange={setBookingId} />
        </div>
        <div className="field">
          <label className="field-label" htmlFor={ids.language}>Language</label>
          <LanguageSelect id={ids.language} value={language} onChange={setLanguage} languages={languages} />
        </div>
      </div>
      <ErrorBanner error={error} title="The test failed" />
      <div aria-live="polite">{result ? <DryRunView result={result} /> : null}</div>
    </Dialog>
  );
}
