import { describe, expect, it } from 'vitest';
import { ClientError } from '../domain/client-error';
import { parseRegisterRequest, userNameProblem } from './user-requests';

const request = (over: Record<string, unknown> = {}) => ({ user: { name: 'alice', is_admin: false }, secret: { password: 'long-enough' }, permissions: ['upload'], ...over });

function refusal(body: unknown): string {
  try {
    parseRegisterRequest(body);
  } catch (error: unknown) {
    expect(error).toBeInstanceOf(ClientError);
    expect((error as ClientError).status).toBe(400);
    return (error as ClientError).message;
  }
  throw new Error('expected a 400');
}

describe('user requests', () => {
  it('accepts a registration and keeps admin flag and admin permission in step', () => {
    expect(parseRegisterRequest(request())).toEqual({ name: 'alice', password: 'long-enough', isAdmin: false, permissions: ['upload'] });
    expect(parseRegisterRequest(request({ user: { name: 'root', is_admin: true }, permissions: ['search'] }))).toMatchObject({ isAdmin: true, permissions: ['search', 'admin'] });
    expect(parseRegisterRequest(request({ permissions: ['admin', 'download', 'download'] }))).toMatchObject({ isAdmin: true, permissions: ['download', 'admin'] });
    expect(parseRegisterRequest(request({ permissions: undefined }))).toMatchObject({ permissions: [] });
  });

  it('refuses unknown permissions, short passwords and malformed bodies with the reason', () => {
    expect(refusal(request({ permissions: ['upload', 'root'] }))).toMatch(/unknown permission.*"root"/);
    expect(refusal(request({ secret: { password: 'short' } }))).toMatch(/8 to 1024 characters/);
    expect(refusal(request({ user: { name: 'alice', is_admin: 'yes' } }))).toMatch(/is_admin must be a boolean/);
    expect(refusal([])).toMatch(/body must be/);
    expect(refusal(request({ permissions: 'upload' }))).toMatch(/permissions must be an array/);
  });

  it('refuses user names that are empty, huge, contain "/" or control characters, or have outer spaces', () => {
    expect(userNameProblem('ece30861defaultadminuser')).toBeNull();
    expect(userNameProblem('Jane Doe (ops)')).toBeNull();
    expect(userNameProblem('')).toMatch(/non-empty/);
    expect(userNameProblem('x'.repeat(100_000))).toMatch(/at most 128 characters \(got 100000\)/);
    for (const bad of ['a/b', ' lead', 'trail ', 'tab\there', 'nul\u0000', 'caf\u00e9']) expect(userNameProblem(bad), bad).toMatch(/printable ASCII/);
    expect(refusal(request({ user: { name: 'x'.repeat(100_000) } }))).toMatch(/at most 128/);
  });
});
