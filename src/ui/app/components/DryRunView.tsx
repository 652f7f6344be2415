// What a workflow would do (POST /api/workflows/test and /api/workflows/:id/test): the decision, when it would
// run, and every message or request it would send, rendered.
import { formatDateTime, humanize, reasonText, statusTone } from '../lib/format';
import { useTenant } from '../lib/tenant';
import type { DryRun } from '../lib/types';
import { Icon } from './Icon';
import { RenderedOutput } from './Rendered';
import { Badge } from './ui';

export function DryRunView({ result }: { result: DryRun }) {
  const tenant = useTenant();
  const skip = result.decision === 'would_skip';
  return (
    <div className="dry-run">
      <div className={`decision ${skip ? 'decision-skip' : 'decision-run'}`}>
        <Icon name={skip ? 'alert' : 'check'} />
        <div>
          <strong>{skip ? 'Would be skipped' : 'Would run'}</strong>
          {skip ? <span> — {reasonText(result.reason)}</span> : null}
          {result.scheduledFor ? <div className="muted small">{skip ? 'Its time' : 'Scheduled for'} {formatDateTime(result.scheduledFor, tenant.settings.timezone)}</div> : null}
          {skip && result.steps.length ? <div className="muted small">Nothing would be sent; the steps below show what they say.</div> : null}
        </div>
      </div>
      {result.steps.length === 0 ? <p className="muted small">No actions yet: add one to see what it sends.</p> : null}
      <ol className="dry-steps">
        {result.steps.map((s) => (
          <li key={s.index} className="dry-step">
            <div className="dry-step-head">
              <span className="step-num" aria-hidden="true">{s.index + 1}</span>
              <strong>{tenant.action(s.type)?.title ?? humanize(s.type)}</strong>
              {s.outcome ? <Badge tone={statusTone(s.outcome)}>{humanize(s.outcome.replace('skipped:', 'skipped: '))}</Badge> : null}
              {s.error ? <Badge tone="danger">Error</Badge> : null}
            </div>
            {s.error ? <div className="step-error" role="note"><code>{s.error.code}</code> {s.error.message}</div> : null}
            <RenderedOutput output={s.output} channel={s.type} />
          </li>
        ))}
      </ol>
    </div>
  );
}
