import { expect } from 'vitest';
import type { Permission } from '../src/auth/actor';
import type { Clock } from '../src/ports/clock.port';
import type { ContractClient } from './contract-client';

/** A wall clock the test moves by hand (token expiry, sign-in windows) instead of sleeping. */
export class TestClock implements Clock {
  private t = Date.now();
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface Session {
  name: string;
  password: string;
  token: string;
}

export async function login(client: ContractClient, name: string, password: string): Promise<string> {
  const res = await client.call<string>('PUT', '/authenticate', { json: { user: { name, is_admin: false }, secret: { password } } });
  expect(res.status, `login of ${name}: ${res.raw.toString()}`).toBe(200);
  return res.body;
}

/** Registers a user through POST /users (as the given admin) and signs them in. */
export async function registerUser(client: ContractClient, adminToken: string, name: string, permissions: readonly Permission[], password = `${name}-password`): Promise<Session> {
  const res = await client.call('POST', '/users', { token: adminToken, json: { user: { name, is_admin: permissions.includes('admin') }, secret: { password }, permissions } });
  expect(res.status, `register ${name}: ${res.raw.toString()}`).toBe(201);
  return { name, password, token: await login(client, name, password) };
}
