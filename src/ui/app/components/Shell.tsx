// The frame around every screen: a skip link, the sidebar (a top bar on tablets) and the main region.
import { useEffect, useRef, type ReactNode } from 'react';
import { session } from '../lib/api';
import { href } from '../lib/router';
import { useTenant } from '../lib/tenant';
import { Icon } from './Icon';
import { StatusBanner } from './StatusBanner';

interface NavItem { section: string; label: string; icon: string }

export function Shell({ section, children }: { section: string; children: ReactNode }) {
  const tenant = useTenant();
  const main = useRef<HTMLElement>(null);
  const nav: NavItem[] = [
    { section: 'workflows', label: 'Workflows', icon: 'workflow' },
    { section: 'bookings', label: 'Bookings', icon: 'bookings' },
    { section: 'customers', label: 'Customers', icon: 'users' },
    ...(tenant.features.waitlist ? [{ section: 'waitlist', label: 'Waiting list', icon: 'waitlist' }] : []),
    { section: 'outbox', label: 'Outbox', icon: 'outbox' },
    { section: 'runs', label: 'Runs', icon: 'runs' },
    ...(tenant.features.webhooks ? [{ section: 'webhooks', label: 'Webhooks', icon: 'webhook' }] : []),
    { section: 'settings', label: 'Settings', icon: 'settings' },
  ];

  // A new screen: tell screen readers and put the page's title in the tab.
  useEffect(() => {
    const label = nav.find((n) => n.section === section)?.label ?? 'Bookflow';
    document.title = `${label} · ${tenant.settings.name} · Bookflow`;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [section, tenant.settings.name]);

  return (
    <div className="shell">
      <a className="skip-link" href="#main" onClick={(e) => { e.preventDefault(); main.current?.focus(); }}>Skip to content</a>
      <aside className="sidebar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">B</span>
          <span className="brand-text">
            <span className="brand-name">Bookflow</span>
            <span className="brand-tenant" title={tenant.settings.id}>{tenant.settings.name}</span>
          </span>
        </div>
        <nav aria-label="Main" className="nav">
          <ul>
            {nav.map((n) => (
              <li key={n.section}>
                <a href={href(n.section)} className={`nav-link ${section === n.section ? 'active' : ''}`}
                  aria-current={section === n.section ? 'page' : undefined}>
                  <Icon name={n.icon} />
                  <span>{n.label}</span>
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="sidebar-footer">
          <button type="button" className="nav-link signout" onClick={() => session.signOut()}>
            <Icon name="logout" />
            <span>Sign out</span>
          </button>
        </div>
      </aside>
      <main id="main" ref={main} tabIndex={-1} className="main">
        <div className="page">
          <StatusBanner />
          {children}
        </div>
      </main>
    </div>
  );
}
