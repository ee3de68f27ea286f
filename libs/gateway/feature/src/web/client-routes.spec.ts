import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { BASE_SPEC_FILE, EXTENSIONS_SPEC_FILE } from '../docs/openapi-documents';
import { WEB_ASSETS_PREFIX, WEB_CLIENT_SEGMENTS, WEB_CONTENT_SECURITY_POLICY } from './client-routes';

const apiFirstSegments = (file: string): Set<string> => {
  const spec = parse(readFileSync(join(__dirname, '../../../../../openapi', file), 'utf8')) as { paths: Record<string, unknown> };
  return new Set(Object.keys(spec.paths).map((path) => path.split('/')[1] ?? ''));
};

describe('the web interface routes never shadow the API', () => {
  const api = new Set([...apiFirstSegments(BASE_SPEC_FILE), ...apiFirstSegments(EXTENSIONS_SPEC_FILE), 'docs', 'openapi.yaml', 'openapi.json', 'openapi', 'internal']);

  it('owns no first path segment that an API path (course or extension) starts with', () => {
    expect(api.has('artifacts')).toBe(true); // the reading worked
    const clashes = [...WEB_CLIENT_SEGMENTS, WEB_ASSETS_PREFIX].filter((segment) => api.has(segment));
    expect(clashes).toEqual([]);
  });

  it('allows no inline script or style', () => {
    expect(WEB_CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(WEB_CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
  });
});
