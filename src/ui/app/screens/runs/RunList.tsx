// Every run of every workflow, newest first, optionally only those that ran, were skipped, or have a failed step.
import { useId, useState } from 'react';
import { PageHeader } from '../../components/ui';
import { RunTable } from './RunTable';

export function RunList() {
  const [decision, setDecision] = useState('');
  const id = useId();
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
      </div>
      <RunTable path="/runs" decision={decision === 'ran' || decision === 'skipped' ? decision : undefined}
        status={decision === 'failed' ? ['failed', 'partial'] : undefined}
        emptyText={decision === 'failed' ? 'No run has a failed step.' : 'Runs appear here as soon as a workflow\'s trigger fires, for example when a booking is created.'} />
    </>
  );
}
