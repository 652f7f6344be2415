// Copies a value shown once (a signing secret) to the clipboard, and says so next to the button. Where the browser
// refuses (no clipboard access), it says to copy by hand; the value stays selectable.
import { useEffect, useState } from 'react';
import { Button } from './ui';

export function CopyButton({ text, label }: { text: string; label: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => setState('idle'), [text]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
  }

  return (
    <span className="copy">
      <Button size="sm" icon="copy" onClick={copy} aria-label={label}>Copy</Button>
      <span className={`small ${state === 'failed' ? 'danger-text' : 'success-text'}`} role="status">
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Could not copy: select the text and copy it by hand' : ''}
      </span>
    </span>
  );
}
