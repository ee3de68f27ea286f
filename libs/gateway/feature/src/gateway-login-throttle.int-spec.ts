import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, registerUser, TestClock } from '../test/auth-helpers';
import { startGatewayTestApp, type GatewayTestApp } from '../test/gateway-test-app';
import { loginAsAdmin } from '../test/helpers';

const WINDOW_SECONDS = 300;

/**
 * Issue 10 point 6: "40 wrong passwords in a burst were all answered 401". Failed sign-ins are now counted per user
 * and per client address in the shared cache; past the limit the answer is 429 with Retry-After, before any hashing.
 */
describe('gateway sign-in throttle', () => {
  let app: GatewayTestApp;
  let admin: string;
  const clock = new TestClock();
  const attempt = (name: string, password: string) =>
    app.client.call<{ error: string }>('PUT', '/authenticate', { json: { user: { name, is_admin: false }, secret: { password } } });

  beforeAll(async () => {
    app = await startGatewayTestApp({
      clock,
      env: { AUTH_LOGIN_MAX_FAILURES_PER_USER: '10', AUTH_LOGIN_MAX_FAILURES_PER_ADDRESS: '25', AUTH_LOGIN_WINDOW_SECONDS: String(WINDOW_SECONDS) },
    });
    admin = await loginAsAdmin(app.client);
  });
  afterAll(async () => app?.close());

  it('answers a burst of 40 wrong passwords with 10 × 401 and 30 × 429 + Retry-After; the right one waits out the window', async () => {
    const frank = await registerUser(app.client, admin, 'frank', ['search']);
    const burst = await Promise.all(Array.from({ length: 40 }, (_, i) => attempt('frank', `wrong-${i}`)));
    const statuses = burst.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30);
    const throttled = burst.find((r) => r.status === 429)!;
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(throttled.headers.get('retry-after'))).toBeLessThanOrEqual(WINDOW_SECONDS);
    expect(throttled.body.error).toMatch(/too many failed sign-ins for this user/);

    expect((await attempt('frank', frank.password)).status).toBe(429);
    // Another user at the same address is not locked out by frank's failures.
    expect(await loginAsAdmin(app.client)).toMatch(/^bearer /);
    clock.advance(WINDOW_SECONDS * 1000);
    expect(await login(app.client, 'frank', frank.password)).toMatch(/^bearer /);
  });

  it('throttles one address spraying many user names, and a success does not clear the address count', async () => {
    clock.advance(WINDOW_SECONDS * 1000);
    const grace = await registerUser(app.client, admin, 'grace', ['search']);
    for (let i = 0; i < 24; i++) expect((await attempt(`sprayed-user-${i}`, 'Winter2025!')).status).toBe(401);
    expect(await login(app.client, 'grace', grace.password)).toMatch(/^bearer /);
    expect((await attempt('sprayed-user-24', 'Winter2025!')).status).toBe(401);
    const refused = await attempt('sprayed-user-25', 'Winter2025!');
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatch(/for this address/);
    expect((await attempt('grace', grace.password)).status).toBe(429);
    clock.advance(WINDOW_SECONDS * 1000);
    expect((await attempt('grace', grace.password)).status).toBe(200);
  });
});
