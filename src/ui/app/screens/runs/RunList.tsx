// Every run of every workflow, newest first, optionally only those that ran, were skipped, or have a failed step.
import { useId, useState } from 'react';
import { api } from '../../lib/api';
import { Button, ErrorBanner, PageHeader } from '../../components/ui';
import { useToast } from '../../components/Toasts';
import { useSave } from '../../lib/use-api';
import { RunTable } from './RunTable';

export function RunList() {
  const [decision, setDecision] = useState('');
  const retry = useSave();
  const toast = useToast();
  const id = useId();

  /** After an outage: every run with a failed step tries those steps again (messages already sent are not resent). */
  const retryAll = () => retry.run(async () => {
    const r = await api.post<{ retried: number; more: boolean }>('/runs/retry-failed', {});
    toast(r.retried ? `Retrying ${r.retried} run${r.retried === 1 ? '' : 's'}${r.more ? ' (more remain: retry again)' : ''}` : 'No run to retry');
  });
  return (
    <>
      <PageHeader title="Runs" description="Each time a workflow was considered: whether it ran or why it was skipped, and what each step did." />
      <div className="toolbar">
        <div className="field field-inline">
          <label className="field-label" htmlFor={id}>Show</label>
          <select id={id} className="input" value={decision} onChange={(e) => setDecision(e.target.value)}>
            <option value="">All runs</option>
            <option value="ran">Runs that ran</option>
            <option value="skipped">Runs that were skipped</option>
            <option value="failed">Runs with a failed step</option>
          </select>
        </div>
        {decision === 'failed' ? <Button busy={retry.busy} onClick={retryAll}>Retry all failed runs</Button> : null}
      </div>
      <ErrorBanner error={retry.error} title="The runs were not retried" />
      <RunTable path="/runs" decision={decision === 'ran' || decision === 'skipped' ? decision : undefined}
        status={decision === 'failed' ? ['failed', 'partial'] : undefined}
        emptyText={decision === 'failed' ? 'No run has a failed step.' : 'Runs appear here as soon as a workflow\'s trigger fires, for example when a booking is created.'} />
    </>
  );
}
