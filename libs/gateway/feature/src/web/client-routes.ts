/**
 * The web interface's client-side routes (apps/web/ui/router.ts mirrors them). The gateway answers exactly these
 * paths with the app's index.html, so a browser can reload or deep-link any page. They are an allowlist, not a
 * catch-all, so the app can never shadow an API route: client-routes.spec.ts checks that no first segment here
 * is the first segment of a path in either OpenAPI document.
 */
export const WEB_CLIENT_ROUTES = ['', 'signin', 'browse', 'view/:type/:id', 'upload', 'admin', 'status'] as const;

/** First path segments the app owns (`view` for `view/:type/:id`); the empty string is `/` itself. */
export const WEB_CLIENT_SEGMENTS: readonly string[] = WEB_CLIENT_ROUTES.map((route) => route.split('/')[0] ?? '');

/** Where the bundler puts hashed files (apps/web/vite.config.mjs `build.assetsDir`). */
export const WEB_ASSETS_PREFIX = 'assets';

/**
 * The app needs no inline script or style: Vite emits external modules and stylesheets, and React sets styles
 * through the CSSOM (not blocked by style-src). Everything else is same-origin only.
 */
export const WEB_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');
