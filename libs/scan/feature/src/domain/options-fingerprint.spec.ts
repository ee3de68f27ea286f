import { describe, expect, it } from 'vitest';
import { canonicalJson, scanFingerprint } from './options-fingerprint';

describe('scanFingerprint', () => {
  it('ignores key order', () => {
    const a = scanFingerprint('1.0.0', { strict: true, rules: { allowCallables: ['x'], denyCallables: [] } });
    const b = scanFingerprint('1.0.0', { rules: { denyCallables: [], allowCallables: ['x'] }, strict: true });
    expect(a).toBe(b);
    expect(a).toMatch(/^[a-f0-9]{64}$/);
  });

  it('changes with the scanner version and with any option', () => {
    const base = scanFingerprint('1.0.0', { strict: true, maxDepth: 3 });
    expect(scanFingerprint('1.0.1', { strict: true, maxDepth: 3 })).not.toBe(base);
    expect(scanFingerprint('1.0.0', { strict: false, maxDepth: 3 })).not.toBe(base);
    expect(scanFingerprint('1.0.0', { strict: true, maxDepth: 4 })).not.toBe(base);
  });

  it('keeps array order significant (plugin order matters)', () => {
    expect(canonicalJson({ p: ['a', 'b'] })).not.toBe(canonicalJson({ p: ['b', 'a'] }));
  });
});
