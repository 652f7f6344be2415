// The outbox: every email, SMS and webhook call as it was rendered, with its recipient and status. Without SMTP or
// an SMS provider, messages are "captured" here instead of sent, so an admin sees what customers would receive.
// "Scheduled" shows what is still to come: the reminders waiting for their moment.
import { useId, useState } from 'react';
import { humanize } from '../../lib/format';
import { Button, PageHeader } from '../../components/ui';
import { MessageList } from './MessageList';
import { Scheduled } from './Scheduled';

const STATUSES = ['pending', 'sent', 'captured', 'failed', 'delivered', 'undelivered'];

export function Outbox() {
  const [channel, setChannel] = useState('');
  const [status, setStatus] = useState('');
  const [view, setView] = useState<'messages' | 'scheduled'>('messages');
  const ids = { channel: useId(), status: useId() };
  return (
    <>
      <PageHeader title="Outbox" description="Every message Bookflow sent or would have sent, exactly as rendered, and the reminders still to come. Updates by itself." />
      <div className="segmented" role="group" aria-label="Show">
        <Button size="sm" variant={view === 'messages' ? 'primary' : 'secondary'} aria-pressed={view === 'messages'} onClick={() => setView('messages')}>Messages</Button>
        <Button size="sm" variant={view === 'scheduled' ? 'primary' : 'secondary'} aria-pressed={view === 'scheduled'} onClick={() => setView('scheduled')}>Scheduled</Button>
      </div>
      {view === 'scheduled' ? <Scheduled /> : (
      <>
      <div className="toolbar">
        <div className="field">
          <label className="field-label" htmlFor={ids.channel}>Channel</label>
          <select id={ids.channel} className="input" value={channel} onChange={(e) => setChannel(e.target.value)}>
            <option value="">All channels</option>
            <option value="email">Email</option>
            <option value="sms">SMS</option>
            <option value="webhook">Webhook</option>
          </select>
        </div>
        <div className="field">
          <label className="field-label" htmlFor={ids.status}>Status</label>
          <select id={ids.status} className="input" value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">Any status</option>
            {STATUSES.map((s) => <option key={s} value={s}>{humanize(s)}</option>)}
          </select>
        </div>
      </div>
      <MessageList query={{ channel: channel || undefined, status: status || undefined }}
        emptyText={channel || status ? 'No message matches these filters.' : 'Messages appear here when a workflow sends one, for example after a booking is created.'} />
      </>
      )}
    </>
  );
}
