// A rendered message or request, as a person would receive it: an email (subject and HTML in a sandboxed frame),
// an SMS bubble, a webhook request. Used by the live preview, dry runs, run history and the outbox.
import type { ReactNode } from 'react';
import { KeyValues } from './ui';

/** Email HTML in a frame with no scripts, no same-origin access, no forms: what the recipient sees. */
export function EmailFrame({ html, title }: { html: string; title: string }) {
  const doc = `<!doctype html><html><head><meta charset="utf-8"><base target="_blank"><style>
    body{font:14px/1.55 -apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1f2937;margin:14px 16px;word-wrap:break-word}
    img{max-width:100%}</style></head><body>${html}</body></html>`;
  return <iframe className="email-frame" title={title} sandbox="" srcDoc={doc} />;
}

// foundAtProvider and providerLookupError: the run page explains them in words (RunPage's ResendNote).
const SHOWN = new Set(['to', 'subject', 'html', 'text', 'body', 'url', 'method', 'status', 'language', 'recipientLanguage', 'messageId', 'providerId', 'headers', 'response', 'durationMs', 'foundAtProvider', 'providerLookupError']);

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;
}

/** The output of a step (dry run or real): whatever of to/subject/html/text/body/url/status it has, then the rest. */
export function RenderedOutput({ output, channel }: { output: Record<string, unknown>; channel?: string }) {
  const to = str(output.to);
  const subject = str(output.subject);
  const html = str(output.html);
  const text = str(output.text);
  const url = str(output.url);
  const body = output.body;
  const rest = Object.entries(output).filter(([k, v]) => !SHOWN.has(k) && v !== null && v !== undefined);
  const isSms = channel === 'sms' || (!subject && !url && typeof body === 'string');
  return (
    <div className="rendered">
      {to || output.language ? (
        <div className="rendered-meta">
          {to ? <span><span className="muted">To</span> <strong className="mono-ish">{to}</strong></span> : null}
          {output.language ? (
            <span className="muted">
              Language: {String(output.language)}
              {output.recipientLanguage && output.recipientLanguage !== output.language ? ` (the reader's: ${String(output.recipientLanguage)}; no text in it)` : null}
            </span>
          ) : null}
        </div>
      ) : null}
      {url ? (
        <div className="rendered-request">
          <code><strong>{str(output.method) ?? 'POST'}</strong> {url}</code>
          {output.status !== undefined ? <span className="muted"> → HTTP {String(output.status)}</span> : null}
        </div>
      ) : null}
      {subject !== null ? <div className="rendered-subject">{subject || <em className="muted">(empty subject)</em>}</div> : null}
      {html !== null ? <EmailFrame html={html} title={`Email preview: ${subject ?? 'message'}`} /> : text !== null ? <pre className="rendered-text">{text}</pre> : null}
      {typeof body === 'string' && html === null ? (isSms && !url ? <div className="sms-bubble">{body}</div> : <pre className="rendered-text">{body}</pre>) : null}
      {body !== undefined && body !== null && typeof body !== 'string' ? <pre className="rendered-text">{JSON.stringify(body, null, 2)}</pre> : null}
      {rest.length ? (
        <KeyValues items={rest.map(([k, v]): [string, ReactNode] => [k, typeof v === 'object' ? <code className="wrap">{JSON.stringify(v)}</code> : String(v)])} />
      ) : null}
    </div>
  );
}
