import { lazy, Suspense, useEffect, useRef } from 'react';
import { signOut } from './api/session';
import { Link } from './components/link';
import SignInPage from './pages/signin';
import { navigate, useRoute, type Route } from './router';
import { useSession } from './session-context';

// One bundle per page; the sign-in form is in the entry bundle, so the first page needs no second round trip.
const BrowsePage = lazy(() => import('./pages/browse'));
const ArtifactPage = lazy(() => import('./artifact/artifact-page'));
const UploadPage = lazy(() => import('./pages/upload'));
const AdminPage = lazy(() => import('./pages/admin'));
const StatusPage = lazy(() => import('./pages/status'));

const TITLES: Record<Route['page'], string> = {
  home: 'Sign in',
  signin: 'Sign in',
  browse: 'Browse',
  view: 'Artifact',
  upload: 'Upload',
  admin: 'Administration',
  status: 'Health',
  missing: 'Not found',
};

function Page({ route }: { route: Route }) {
  const { claims } = useSession();
  if (claims === undefined && route.page !== 'missing') return <SignInPage />;
  switch (route.page) {
    case 'home':
    case 'signin':
      return <SignInPage />;
    case 'browse':
      return <BrowsePage params={route.params} />;
    case 'view':
      return <ArtifactPage type={route.type} id={route.id} />;
    case 'upload':
      return <UploadPage />;
    case 'admin':
      return <AdminPage />;
    case 'status':
      return <StatusPage />;
    case 'missing':
      return (
        <>
          <h1>Page not found</h1>
          <p>
            There is no page at this address. <Link href="/browse">Go to the directory</Link>.
          </p>
        </>
      );
  }
}

export function App() {
  const route = useRoute();
  const { claims, tokenInfo, refreshTokenInfo } = useSession();
  const main = useRef<HTMLElement>(null);

  // The use count moves with every request: re-read it on each page change (that read is itself one use).
  useEffect(refreshTokenInfo, [route, refreshTokenInfo]);

  useEffect(() => {
    document.title = `${TITLES[route.page]} · ModelGuard`;
    // Move focus to the new page so keyboard and screen-reader users start at its top.
    main.current?.focus({ preventScroll: true });
  }, [route]);

  useEffect(() => {
    if (claims !== undefined && (route.page === 'home' || route.page === 'signin')) navigate('/browse', true);
  }, [claims, route.page]);

  const current = (page: Route['page']) => (route.page === page ? 'page' : undefined);
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link href="/" className="brand">
          ModelGuard
        </Link>
        {claims && (
          <nav aria-label="Main">
            <Link href="/browse" aria-current={current('browse')}>
              Browse
            </Link>
            <Link href="/upload" aria-current={current('upload')}>
              Upload
            </Link>
            {claims.isAdmin && (
              <Link href="/admin" aria-current={current('admin')}>
                Admin
              </Link>
            )}
            <Link href="/status" aria-current={current('status')}>
              Health
            </Link>
          </nav>
        )}
        {claims && (
          <div className="who">
            <span>
              Signed in as <strong>{claims.name}</strong>
              {claims.isAdmin ? ' (admin)' : ''}
            </span>
            <span className="token-info" data-testid="token-info">
              {tokenInfo ? `Token used ${tokenInfo.uses} of ${tokenInfo.max_uses} times · ` : ''}
              expires {(tokenInfo ? new Date(tokenInfo.expires_at) : claims.expiresAt).toLocaleString()}
            </span>
            <button type="button" onClick={() => void signOut().finally(() => navigate('/signin'))}>
              Sign out
            </button>
          </div>
        )}
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <Suspense fallback={<p role="status">Loading…</p>}>
          <Page route={route} />
        </Suspense>
      </main>
    </>
  );
}
