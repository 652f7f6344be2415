// One of the builder's three connected steps: a numbered card on a line that joins it to the next.
import type { ReactNode } from 'react';
import { Icon } from '../../components/Icon';

export function StepCard({ n, id, title, icon, summary, children }: {
  n: number; id: string; title: string; icon: string; summary?: ReactNode; children: ReactNode;
}) {
  return (
    <li className="flow-step">
      <div className="flow-marker" aria-hidden="true"><Icon name={icon} size={16} /></div>
      <section className="card step-card" aria-labelledby={id}>
        <header className="step-header">
          <span className="step-kicker">Step {n}</span>
          <h2 id={id}>{title}</h2>
          {summary ? <p className="step-summary">{summary}</p> : null}
        </header>
        <div className="step-body">{children}</div>
      </section>
    </li>
  );
}
