// One run: its decision and every step (rendered message, provider id, HTTP status, attempts, error), with retry
// for a run whose steps failed.
import { useState, type ReactNode } from 'react';
import { api, type Page } from '../../lib/api';
import { formatDateTime, humanize, reasonText, statusTone } from '../../lib/format';
import { href } from '../../lib/router';
import { useTenant } from '../../lib/tenant';
import type { Message, Run, RunStep } from '../../lib/types';
import { useLoad } from '../../lib/use-api';
import { RenderedOutput } from '../../components/Rendered';
import { Badge, Button, ErrorBanner, KeyValues, Loading, Notice, PageHeader } from '../../components/ui';
import { useToast } from '../../components/Toasts';
import { runOutcome } from './RunTable';

export function RunPage({ id }: { id: string }) {
  const tenant = useTenant();
  const toast = useToast();
  const run = useLoad(async (signal) => {
    const [r, messages] = await Promise.all([
      api.get<Run>(`/runs/${encodeURIComponent(id)}`, { signal }),
      api.get<Page<Message>>(`/messages?runId=${encodeURIComponent(id)}&limit=100`, { signal }).then((p) => p.items).catch(() => [] as Message[]),
    ]);
    return { run: r, messages };
  }, [id], { pollMs: 4000 });
  const [retrying, setRetrying] = useState(false);
  const [error, setError] = useState<unknown>(null);

  if (run.loading && !run.data) return <Loading label="Loading the run…" />;
  if (run.error || !run.data) {
    return (
      <>
        <PageHeader back={{ href: '#/runs', label: 'Runs' }} title="Run" />
        <ErrorBanner error={run.error} title="This run could not be loaded" onRetry={() => run.reload()} />
      </>
    );
  }
  const r = run.data.run;
  const o = runOutcome(r);
  const tz = tenant.settings.timezone;
  const canRetry = r.decision === 'ran' && (r.status === 'failed' || r.steps.some((s) => s.status === 'failed'));

  async function retry() {
    setRetrying(true);
    setError(null);
    try {
      await api.post(`/runs/${encodeURIComponent(id)}/retry`);
      toast('Retrying the failed steps');
      run.reload({ quiet: true });
    } catch (err) {
      setError(err);
    } finally {
      setRetrying(false);
    }
  }

  return (
    <>
      <PageHeader back={{ href: '#/runs', label: 'Runs' }} title={r.workflowName}
        description={<>Run <code>{r.id}</code> · {formatDateTime(r.createdAt, tz)}</>}
        actions={canRetry ? <Button variant="primary" icon="refresh" busy={retrying} onClick={retry}>Retry failed steps</Button> : undefined} />
      <ErrorBanner error={error} title="The retry failed" />
      <section className="card run-summary" aria-label="Decision">
        <div className="run-decision">
          <Badge tone={o.tone}>{o.label}</Badge>
          <span>{r.decision === 'skipped' ? reasonText(r.reason) : r.status === 'running' ? 'Steps are running…' : `Ran ${r.steps.length} step${r.steps.length === 1 ? '' : 's'}`}</span>
        </div>
        <KeyValues items={[
          ['Workflow', <a href={href('workflows', r.workflowId)}>{r.workflowName}{r.workflowVersion ? ` (version ${r.workflowVersion})` : ''}</a>],
          ['Trigger', tenant.trigger(r.triggerType)?.title ?? humanize(r.triggerType)],
          ['Booking', r.bookingId ? <a href={href('bookings', r.bookingId)}>{r.bookingId}</a> : '—'],
          ...(r.scheduledFor ? [['Scheduled for', formatDateTime(r.scheduledFor, tz)] as [string, string]] : []),
          ['Finished', r.finishedAt ? formatDateTime(r.finishedAt, tz) : 'Not yet'],
          ...(r.reason ? [['Reason code', <code>{r.reason}</code>] as [string, ReactNode]] : []),
        ]} />
      </section>
      {r.decision === 'ran' ? (
        <section aria-labelledby="steps-title" className="section">
          <h2 id="steps-title" className="section-title">Steps</h2>
          {r.steps.length === 0 ? <Notice>This workflow had no actions.</Notice> : null}
          <ol className="run-steps">
            {r.steps.map((s) => <StepView key={s.index} step={s} message={run.data!.messages.find((m) => m.stepIdx === s.index)} />)}
          </ol>
        </section>
      ) : null}
    </>
  );
}

function StepView({ step, message }: { step: RunStep; message?: Message }) {
  const tenant = useTenant();
  const tz = tenant.settings.timezone;
  // A webhook's answer has an HTTP status (a number); Twilio answers with the message's status ("queued").
  const answered = step.output.status ?? (message?.response as { status?: unknown } | null)?.status;
  return (
    <li className="card run-step">
      <div className="dry-step-head">
        <span className="step-num" aria-hidden="true">{step.index + 1}</span>
        <h3>{tenant.action(step.actionType)?.title ?? humanize(step.actionType)}</h3>
        <Badge tone={statusTone(step.status)}>{humanize(step.status)}</Badge>
        {step.outcome && step.outcome !== step.status ? <Badge tone={statusTone(step.outcome)}>{humanize(step.outcome.replace(':', ': '))}</Badge> : null}
      </div>
      <KeyValues items={[
        ['Attempts', String(step.attempts)],
        ['Provider id', message?.providerId ?? (step.output.providerId as string | undefined) ?? '—'],
        ...(answered !== undefined ? [[typeof answered === 'number' ? 'HTTP status' : 'Provider status', String(answered)] as [string, string]] : []),
        ...(message ? [['Message', `${humanize(message.status)}${message.providerStatus ? ` (${message.providerStatus})` : ''}`] as [string, string]] : []),
        ['Started', formatDateTime(step.startedAt, tz)],
        ['Finished', formatDateTime(step.finishedAt, tz)],
      ]} />
      {step.errorCode || step.errorMessage ? (
        <div className="step-error" role="note"><code>{step.errorCode}</code> {step.errorMessage}</div>
      ) : null}
      {step.status === 'skipped' && step.outcome?.startsWith('skipped:') ? (
        <Notice tone="warning" title="Not sent">{reasonText(step.outcome.slice('skipped:'.length))}</Notice>
      ) : null}
      {step.outcome === 'captured' ? (
        <Notice tone="warning" title="Kept, not sent">
          No {step.actionType === 'sms' ? 'SMS provider (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM)' : 'mail server (SMTP_URL)'} is
          configured, so this message was kept in the outbox instead of sent. Settings → Check delivery tells what is missing.
        </Notice>
      ) : null}
      <ResendNote output={step.output} />
      {Object.keys(step.output ?? {}).length ? <RenderedOutput output={step.output} channel={step.actionType} /> : null}
    </li>
  );
}

/**
 * Why a message an earlier attempt may have sent was, or was not, sent again (the SMS provider is asked first, since
 * Twilio has no idempotency key): the answer to "did they get it twice?".
 */
function ResendNote({ output }: { output: Record<string, unknown> }) {
  if (output.foundAtProvider === true) {
    return (
      <Notice tone="success" icon="check" title="Not sent twice">
        An earlier attempt reached the provider but its answer was lost. The provider already had this message
        ({String(output.providerId)}), so it was recorded instead of sent again.
      </Notice>
    );
  }
  if (typeof output.providerLookupError === 'string') {
    return (
      <Notice tone="warning" title="Sent again">
        An earlier attempt may have reached the provider, and the provider could not be asked whether it had
        ({output.providerLookupError}), so the message was sent again. The recipient may have it twice.
      </Notice>
    );
  }
  return null;
}
