// Hash routing (/#/workflows/wf_1): the server serves one page at `/` and claims no other path.
import { useEffect, useRef, useState } from 'react';

export interface Route {
  /** Path segments after `#/`, e.g. ['workflows', 'wf_1']. */
  parts: string[];
  query: URLSearchParams;
}

function current(): Route {
  const raw = window.location.hash.replace(/^#\/?/, '');
  const [path, search = ''] = raw.split('?');
  return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(search) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const on = () => setRoute(current());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

/** `href` for a route: href('workflows', id) -> '#/workflows/<id>'. */
export const href = (...parts: string[]): string => `#/${parts.map(encodeURIComponent).join('/')}`;

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  const target = to.startsWith('#') ? to : `#${to.startsWith('/') ? '' : '/'}${to}`;
  if (opts.replace) {
    window.history.replaceState(null, '', target);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    window.location.hash = target;
  }
}

// Leaving unsaved work: a screen that has some registers what leaving would lose (useLeaveGuard). A change of the
// hash away from it (a link, the back button, navigate()) asks first; declined, the address goes back and no screen
// hears of the change. This listener is added at load, before any screen's, so it can stop theirs.
let leaveMessage: () => string | null = () => null;
let shownHash = window.location.hash;
window.addEventListener('hashchange', (e) => {
  const message = window.location.hash !== shownHash ? leaveMessage() : null;
  if (message && !window.confirm(message)) {
    e.stopImmediatePropagation();
    window.history.replaceState(null, '', shownHash || '#/');
    return;
  }
  shownHash = window.location.hash;
});

/**
 * While `message` is not null, leaving the screen (or the page) asks with it first. Returns `release`, for leaving
 * on purpose (after a save) without asking.
 */
export function useLeaveGuard(message: string | null): () => void {
  const ref = useRef(message);
  ref.current = message;
  useEffect(() => {
    const ask = () => ref.current;
    leaveMessage = ask;
    const unload = (e: BeforeUnloadEvent) => { if (ref.current) e.preventDefault(); };
    window.addEventListener('beforeunload', unload);
    return () => {
      if (leaveMessage === ask) leaveMessage = () => null;
      window.removeEventListener('beforeunload', unload);
    };
  }, []);
  return () => { ref.current = null; };
}
