import { describe, expect, it } from 'vitest';
import { PERMISSIONS, allows, parsePermissions } from './permission';

describe('permissions', () => {
  it('allow exactly what the holder was granted', () => {
    const reader = { isAdmin: false, permissions: ['search', 'download'] as const };
    expect(allows(reader, 'search')).toBe(true);
    expect(allows(reader, 'download')).toBe(true);
    expect(allows(reader, 'upload')).toBe(false);
    expect(allows(reader, 'admin')).toBe(false);
  });

  it('let admins pass every check, even with an empty list', () => {
    for (const p of PERMISSIONS) expect(allows({ isAdmin: true, permissions: [] }, p)).toBe(true);
  });

  it('treat an explicit admin permission like any other grant', () => {
    expect(allows({ isAdmin: false, permissions: ['admin'] }, 'admin')).toBe(true);
    expect(allows({ isAdmin: false, permissions: ['admin'] }, 'upload')).toBe(false);
  });

  it('drop unknown values from an untrusted list', () => {
    expect(parsePermissions(['upload', 'root', 7, null, 'download', 'UPLOAD'])).toEqual(['upload', 'download']);
  });
});
