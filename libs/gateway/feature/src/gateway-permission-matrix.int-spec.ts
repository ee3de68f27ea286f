import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayTestApp, type GatewayTestApp } from '../test/gateway-test-app';
import { loginAsAdmin } from '../test/helpers';
import { expectedStatus, MatrixContext, ROLES, type Caller, type MatrixRow, type Role } from '../test/permission-matrix';
import { MATRIX_ROWS, RUN_LAST } from '../test/permission-matrix.rows';
import { handlerRoutes, specRoutes, type HandlerRoute } from '../test/route-inventory';

/**
 * Routes that serve the documents themselves, and the web interface's pages and bundles (src/web/client-routes.ts,
 * which also checks they never shadow an API path); they are not operations of the API.
 */
const META_ROUTES = /^GET \/(openapi\.(yaml|json)|openapi\/extensions\.(yaml|json)|docs|signin|browse|view\/\{type\}\/\{id\}|upload|admin|status|assets\/\{file\}|)$/;

/** Object routes run on an own and a foreign object, but only for callers who pass the permission check at all. */
function targetsFor(row: MatrixRow, route: HandlerRoute, role: Role): Caller['target'][] {
  const passesPermission = role === 'admin' || (role !== 'anonymous' && role !== 'forged' && (route.permission === undefined || route.permission === role));
  return row.object !== undefined && route.guarded && passesPermission ? ['own', 'foreign'] : ['foreign'];
}

/**
 * Issue 10: one endpoint × role × expected status matrix over every route of both OpenAPI documents (the route list
 * is read from the documents, the permission from each route's decorators), on real HTTP and Postgres. Object
 * routes also check ownership (no IDOR): own object vs someone else's.
 */
describe('permission matrix', () => {
  let app: GatewayTestApp;
  let ctx: MatrixContext;
  let handlers: HandlerRoute[];

  beforeAll(async () => {
    app = await startGatewayTestApp();
    ctx = await MatrixContext.create(app, await loginAsAdmin(app.client));
    handlers = handlerRoutes(app.service.app);
  });
  afterAll(async () => app?.close());

  it('has one row per operation of both documents, and every operation is served (and nothing undocumented)', () => {
    const spec = specRoutes().map((r) => r.key);
    const served = handlers.map((h) => h.key);
    expect(spec.length).toBeGreaterThan(20);
    expect(spec.filter((k) => MATRIX_ROWS[k] === undefined), 'operations without a row in permission-matrix.rows.ts').toEqual([]);
    expect(Object.keys(MATRIX_ROWS).filter((k) => !spec.includes(k)), 'rows for operations no document has').toEqual([]);
    expect(spec.filter((k) => !served.includes(k)), 'documented but not served').toEqual([]);
    expect(served.filter((k) => !spec.includes(k) && !META_ROUTES.test(k)), 'served but documented nowhere').toEqual([]);
  });

  it('answers every operation × role × own/foreign object with the expected status', async () => {
    const keys = Object.keys(MATRIX_ROWS).sort((a, b) => Number(RUN_LAST.includes(a)) - Number(RUN_LAST.includes(b)));
    const mismatches: string[] = [];
    let calls = 0;
    for (const key of keys) {
      const row = MATRIX_ROWS[key]!;
      const route = handlers.find((h) => h.key === key);
      if (route === undefined) continue; // reported by the inventory test
      const method = key.split(' ')[0]!;
      // Admin last within a row: an admin's allowed call may be the destructive one (reset).
      for (const role of [...ROLES].sort((a, b) => Number(a === 'admin') - Number(b === 'admin'))) {
        for (const target of targetsFor(row, route, role)) {
          const caller = ctx.callerFor(role, target);
          const req = await row.request(ctx, caller);
          const res = await app.client.call(method, req.path, {
            token: req.token !== undefined ? req.token : caller.token,
            ...(req.json !== undefined ? { json: req.json } : {}),
            ...(req.rawBody !== undefined ? { rawBody: req.rawBody, contentType: req.contentType } : {}),
          });
          calls += 1;
          const want = expectedStatus(row, route, caller);
          if (res.status !== want) mismatches.push(`${key} as ${role} (${target}): ${res.status}, expected ${want}: ${res.raw.toString().slice(0, 160)}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(calls).toBeGreaterThanOrEqual(keys.length * ROLES.length);
    // Several hundred sequential calls: past the 30 s default on a loaded machine (measured 37 s at load 10).
  }, 120_000);
});
