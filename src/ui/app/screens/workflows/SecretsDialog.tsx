// Webhook steps get a signing secret when saved; the API shows it once. So does this dialog.
import { CopyButton } from '../../components/CopyButton';
import { Dialog } from '../../components/Dialog';
import { Button, Notice } from '../../components/ui';

export function SecretsDialog({ secrets, onClose }: { secrets: Record<string, Record<string, string>> | null | undefined; onClose(): void }) {
  const entries = Object.entries(secrets ?? {}).flatMap(([step, s]) => Object.entries(s).map(([name, value]) => ({ step, name, value })));
  return (
    <Dialog open={Boolean(secrets)} title="Copy your webhook signing secret" onClose={onClose}
      footer={<Button variant="primary" onClick={onClose}>I have copied it</Button>}>
      <Notice tone="warning">This is shown once. The receiving server uses it to check that requests come from Bookflow.</Notice>
      {entries.map((e) => (
        <div key={`${e.step}-${e.name}`} className="secret">
          <div className="muted small">Step {e.step} · {e.name}</div>
          <code className="secret-value" tabIndex={0}>{e.value}</code>
          <CopyButton text={e.value} label={`Copy the signing secret of step ${e.step}`} />
        </div>
      ))}
    </Dialog>
  );
}
