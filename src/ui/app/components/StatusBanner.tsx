// Says so on every screen when this tenant's workflows are held back (GET /api/status, polled): no worker process is
// running, so nothing runs and nothing is sent; or work has been waiting for minutes. Quiet when all is well, and
// when the server has no status endpoint.
import { api } from '../lib/api';
import { useLoad } from '../lib/use-api';
import { Icon } from './Icon';

interface Status {
  workers: { running: number; lastSeen: string | null };
  queue: { due: number; oldestDueSeconds: number | null };
}

/** Work waiting longer than this (2 minutes) is late: a healthy worker takes due jobs within seconds. */
const LATE_AFTER_S = 120;

const minutes = (s: number) => {
  const m = Math.max(1, Math.round(s / 60));
  return `${m} minute${m === 1 ? '' : 's'}`;
};

export function StatusBanner() {
  const status = useLoad((signal) => api.get<Status>('/status', { signal }).catch(() => null), [], { pollMs: 30_000 });
  const s = status.data;
  if (!s) return null;
  let message: string | null = null;
  if (s.workers.running === 0) {
    message = `No worker is running, so workflows do not run and nothing is sent${s.queue.due ? ` (${s.queue.due} job${s.queue.due === 1 ? '' : 's'} waiting)` : ''}. `
      + 'Start one: npm start runs one with the server, or run bookflow worker.';
  } else if ((s.queue.oldestDueSeconds ?? 0) > LATE_AFTER_S) {
    message = `Workflows are running late: ${s.queue.due} job${s.queue.due === 1 ? '' : 's'} waiting, the oldest for ${minutes(s.queue.oldestDueSeconds!)}. `
      + 'Start more workers, or check their logs.';
  }
  if (!message) return null;
  return (
    <div className="banner banner-warning status-banner" role="status">
      <Icon name="alert" />
      <div className="banner-body"><strong>Messages are held back</strong><span>{message}</span></div>
    </div>
  );
}
