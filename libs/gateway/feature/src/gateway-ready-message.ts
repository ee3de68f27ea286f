import { DEFAULT_ADMIN_NAME, DEFAULT_ADMIN_PASSWORD } from './auth/actor';

/**
 * The short block printed once the registry listens: where it is, where its API docs are and how to get a
 * token, which is what a newcomer needs next (Nest's route listing is at debug level).
 */
export function gatewayReadyMessage(url: string, title = 'ModelGuard gateway'): string {
  const body = JSON.stringify({ user: { name: DEFAULT_ADMIN_NAME, is_admin: true }, secret: { password: DEFAULT_ADMIN_PASSWORD } });
  return [
    `${title} is ready at ${url}`,
    `  API docs  ${url}/docs   (OpenAPI: ${url}/openapi.yaml)`,
    `  Sign in   PUT ${url}/authenticate with the default admin (README, "Signing in", has a curl example):`,
    `              ${body}`,
    `            The answer is a token for the X-Authorization header.`,
  ].join('\n');
}
