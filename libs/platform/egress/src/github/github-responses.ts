import { isUpstreamError, UpstreamError, type UpstreamHeaders } from '../upstream-error';

function header(headers: UpstreamHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * GitHub answers an exhausted budget with 403 (sometimes 429) and `x-ratelimit-remaining: 0`, and a secondary
 * (abuse) limit with 403/429 and `retry-after`; any other 403 (a repository too large to list, a blocked token)
 * is a plain refusal. Returns the `rate-limited` error to throw instead, or undefined when `error` is not one.
 */
export function rateLimitedError(error: unknown): UpstreamError | undefined {
  if (!isUpstreamError(error) || error.kind !== 'http-status' || (error.status !== 403 && error.status !== 429)) return undefined;
  const remaining = header(error.headers, 'x-ratelimit-remaining');
  const retryAfter = header(error.headers, 'retry-after');
  if (remaining !== '0' && retryAfter === undefined && error.status !== 429) return undefined;
  const reset = Number(header(error.headers, 'x-ratelimit-reset'));
  const when =
    retryAfter !== undefined && /^\d{1,6}$/.test(retryAfter)
      ? `; retry after ${retryAfter} s`
      : Number.isFinite(reset) && reset > 0
        ? `; the budget resets at ${new Date(reset * 1000).toISOString()}`
        : '';
  return new UpstreamError('rate-limited', `GitHub API rate limit exceeded (${error.status})${when}`, error.status, { cause: error, headers: error.headers });
}

/**
 * The `rel="next"` URL of a `Link` header (`<https://api.github.com/...&page=2>; rel="next", <...>; rel="last"`),
 * resolved against the current page. A link that leaves the API's origin is not followed: the request would carry
 * the token, and GitHub never paginates elsewhere.
 */
export function nextPageUrl(link: string | string[] | undefined, current: string, apiUrl: string): string | undefined {
  const value = Array.isArray(link) ? link.join(',') : link;
  if (!value || value.length > 8192) return undefined;
  for (const part of value.split(',')) {
    const m = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (!m || !/;\s*rel="?([^";]*\s)?next(\s[^";]*)?"?\s*(;|$)/.test(m[2])) continue;
    try {
      const next = new URL(m[1], current);
      return next.origin === new URL(apiUrl).origin ? next.toString() : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
