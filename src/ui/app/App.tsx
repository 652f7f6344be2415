// The app: sign-in until there is a key, then the tenant's data, the shell (sidebar) and the screen for the route.
import { useEffect, useState } from 'react';
import { ApiError, session } from './lib/api';
import { navigate, useRoute, type Route } from './lib/router';
import { loadTenant, TenantProvider, type TenantData } from './lib/tenant';
import { Shell } from './components/Shell';
import { ToastProvider } from './components/Toasts';
import { Button, ErrorBanner, Loading } from './components/ui';
import { SignIn } from './screens/SignIn';
import { WorkflowList } from './screens/workflows/WorkflowList';
import { WorkflowPage } from './screens/workflows/WorkflowPage';
import { BookingList } from './screens/bookings/BookingList';
import { BookingPage } from './screens/bookings/BookingPage';
import { CustomerList } from './screens/customers/CustomerList';
import { Outbox } from './screens/outbox/Outbox';
import { RunList } from './screens/runs/RunList';
import { RunPage } from './screens/runs/RunPage';
import { SettingsPage } from './screens/settings/SettingsPage';
import { WaitlistPage } from './screens/waitlist/WaitlistPage';
import { WebhookList } from './screens/webhooks/WebhookList';
import { WebhookPage } from './screens/webhooks/WebhookPage';
import { NotFound } from './screens/NotFound';

export function App() {
  const [key, setKey] = useState(session.key());
  const [expired, setExpired] = useState(false);
  useEffect(() => session.subscribe((reason) => {
    setKey(session.key());
    setExpired(reason === 'expired');
  }), []);

  return (
    <ToastProvider>
      {key ? <SignedIn key={key} /> : <SignIn expired={expired} />}
    </ToastProvider>
  );
}

function SignedIn() {
  const [data, setData] = useState<TenantData | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let live = true;
    setError(null);
    loadTenant().then((d) => live && setData(d), (err) => live && setError(err));
    return () => { live = false; };
  }, [attempt]);

  if (error) {
    // 401 already returned to sign-in; 403 means a key without the admin role.
    const forbidden = error instanceof ApiError && error.status === 403;
    return (
      <main className="center-page">
        <div className="card narrow">
          <ErrorBanner error={error} title={forbidden ? 'This key cannot open the admin' : 'Bookflow could not be reached'} />
          <div className="row gap">
            {!forbidden ? <Button variant="primary" onClick={() => setAttempt((a) => a + 1)}>Try again</Button> : null}
            <Button onClick={() => session.signOut()}>Sign in with another key</Button>
          </div>
        </div>
      </main>
    );
  }
  if (!data) return <main className="center-page"><Loading label="Loading your workspace…" /></main>;
  return (
    <TenantProvider initial={data}>
      <Routed />
    </TenantProvider>
  );
}

function Routed() {
  const route = useRoute();
  useEffect(() => {
    if (route.parts.length === 0) navigate('/workflows', { replace: true });
  }, [route.parts.length]);
  const section = route.parts[0] ?? 'workflows';
  return (
    <Shell section={section}>
      <Screen route={route} />
    </Shell>
  );
}

function Screen({ route }: { route: Route }) {
  const [section, id, sub] = route.parts;
  switch (section) {
    case undefined:
    case 'workflows':
      if (!id) return <WorkflowList />;
      return <WorkflowPage key={id} id={id === 'new' ? null : id} tab={sub === 'runs' ? 'runs' : 'builder'} />;
    case 'bookings':
      return id ? <BookingPage key={id} id={id} /> : <BookingList />;
    case 'customers':
      return <CustomerList />;
    case 'outbox':
      return <Outbox />;
    case 'runs':
      return id ? <RunPage key={id} id={id} /> : <RunList />;
    case 'settings':
      return <SettingsPage />;
    case 'waitlist':
      return <WaitlistPage />;
    case 'webhooks':
      return id ? <WebhookPage key={id} id={id} /> : <WebhookList />;
    default:
      return <NotFound />;
  }
}
