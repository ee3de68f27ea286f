/**
 * The one place the app talks to the gateway. The token lives in this module's memory only (never localStorage or
 * a readable cookie): a reload signs the user out, which is the price of not leaving a bearer token on disk.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

let token: string | undefined;
const listeners = new Set<() => void>();

export function setToken(value: string | undefined): void {
  token = value;
  for (const listener of listeners) listener();
}
export function currentToken(): string | undefined {
  return token;
}
/** Called when the gateway refuses the token (expired, used up, revoked): the session ends. */
export function onTokenChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function authHeaders(): Record<string, string> {
  return token === undefined ? {} : { 'X-Authorization': token };
}

/** What the user can do about an error, shown under its message. */
export function advice(error: unknown): string {
  if (!(error instanceof ApiError)) return 'Check your connection and try again.';
  if (error.status === 401 || error.status === 403) return error.status === 401 ? 'Sign in again.' : 'Your account lacks the permission for this; ask an administrator.';
  if (error.status === 404) return 'It may have been deleted; go back to the directory.';
  if (error.status === 409 || error.status === 202) return `Not ready yet; try again${error.retryAfter ? ` in ${error.retryAfter} s` : ' shortly'}.`;
  if (error.status === 413) return 'It is too large for this registry.';
  if (error.status === 429) return 'Too many requests; wait a moment and retry.';
  if (error.status >= 500) return 'The registry had a problem; try again, and tell an administrator if it persists.';
  return 'Correct the request and try again.';
}

async function errorOf(res: Response): Promise<ApiError> {
  const retry = Number(res.headers.get('retry-after'));
  let message = `${res.status} ${res.statusText}`;
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown };
    if (typeof body.error === 'string') message = body.error;
    else if (typeof body.message === 'string') message = body.message;
  } catch {
    if (text) message = text.slice(0, 300);
  }
  if (res.status === 401 || (res.status === 403 && /token/i.test(message))) setToken(undefined);
  return new ApiError(res.status, message, Number.isFinite(retry) && retry > 0 ? retry : undefined);
}

export interface ApiResponse<T> {
  status: number;
  body: T;
  headers: Headers;
}

/** JSON request; throws ApiError on any non-2xx. */
export async function api<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...authHeaders() };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
  if (!res.ok) throw await errorOf(res);
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
}

/** Like api(), but a 404 (feature or record absent) becomes undefined instead of an error. */
export async function apiOptional<T>(method: string, path: string, body?: unknown): Promise<T | undefined> {
  try {
    return (await api<T>(method, path, body)).body;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 501)) return undefined;
    throw error;
  }
}

export function readError(res: Response): Promise<ApiError> {
  return errorOf(res);
}
