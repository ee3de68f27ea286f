import { useEffect, useState } from 'react';

/** Mirrors WEB_CLIENT_ROUTES in libs/gateway/feature/src/web/client-routes.ts (the gateway serves the page there). */
export type Route =
  | { page: 'home' }
  | { page: 'signin' }
  | { page: 'browse'; params: URLSearchParams }
  | { page: 'view'; type: string; id: string }
  | { page: 'upload' }
  | { page: 'admin' }
  | { page: 'status' }
  | { page: 'missing' };

export function parseRoute(pathname: string, search: string): Route {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { page: 'home' };
  const [first, ...rest] = parts;
  const [type, id] = rest;
  if (first === 'view' && rest.length === 2 && type && id) return { page: 'view', type, id };
  if (rest.length > 0) return { page: 'missing' };
  switch (first) {
    case 'signin':
    case 'upload':
    case 'admin':
    case 'status':
      return { page: first };
    case 'browse':
      return { page: 'browse', params: new URLSearchParams(search) };
    default:
      return { page: 'missing' };
  }
}

export function navigate(to: string, replace = false): void {
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function useRoute(): Route {
  const read = () => parseRoute(location.pathname, location.search);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const update = () => setRoute(read());
    window.addEventListener('popstate', update);
    return () => window.removeEventListener('popstate', update);
  }, []);
  return route;
}
