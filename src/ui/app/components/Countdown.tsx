// Time left until an instant ("12:04 left"), ticking each second; "expired" after it.
import { useEffect, useState } from 'react';

export function Countdown({ until, title }: { until: string; title?: string }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(t);
  }, []);
  const ms = new Date(until).getTime() - now;
  if (ms <= 0) return <span className="countdown expired" title={title}>expired</span>;
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const text = h > 0 ? `${h}h ${String(m).padStart(2, '0')}m` : `${m}:${String(sec).padStart(2, '0')}`;
  return <span className={`countdown ${ms < 5 * 60_000 ? 'soon' : ''}`} title={title}>{text} left</span>;
}
