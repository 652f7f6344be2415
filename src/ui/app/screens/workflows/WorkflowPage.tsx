// A workflow: the builder (new or existing) and, for a saved one, its run history.
import { api } from '../../lib/api';
import { href } from '../../lib/router';
import type { Workflow } from '../../lib/types';
import { useLoad } from '../../lib/use-api';
import { ErrorBanner, Loading, PageHeader } from '../../components/ui';
import { RunTable } from '../runs/RunTable';
import { Builder } from './Builder';

export function WorkflowPage({ id, tab }: { id: string | null; tab: 'builder' | 'runs' }) {
  const wf = useLoad((signal) => (id ? api.get<Workflow>(`/workflows/${encodeURIComponent(id)}`, { signal }) : Promise.resolve(null)), [id]);
  if (!id) return <Builder workflow={null} />;
  if (wf.loading && !wf.data) return <Loading label="Loading the workflow…" />;
  if (wf.error || !wf.data) {
    return (
      <>
        <PageHeader back={{ href: '#/workflows', label: 'Workflows' }} title="Workflow" />
        <ErrorBanner error={wf.error} title="This workflow could not be loaded" onRetry={() => wf.reload()} />
      </>
    );
  }
  const tabs = (
    <nav className="tabs" aria-label="Workflow views">
      <a href={href('workflows', id)} className={`tab ${tab === 'builder' ? 'active' : ''}`} aria-current={tab === 'builder' ? 'page' : undefined}>Builder</a>
      <a href={href('workflows', id, 'runs')} className={`tab ${tab === 'runs' ? 'active' : ''}`} aria-current={tab === 'runs' ? 'page' : undefined}>Run history</a>
    </nav>
  );
  if (tab === 'runs') {
    return (
      <>
        <PageHeader back={{ href: '#/workflows', label: 'Workflows' }} title={wf.data.name} description={wf.data.summary} />
        {tabs}
        <RunTable path={`/workflows/${encodeURIComponent(id)}/runs`} showWorkflow={false}
          emptyText="This workflow has not run yet. Runs appear here when its trigger fires." />
      </>
    );
  }
  return <Builder key={wf.data.version} workflow={wf.data} tabs={tabs} />;
}
