import { describe, expect, it } from 'vitest';
import { BoundedOutput } from './bounded-output';

describe('BoundedOutput', () => {
  it('keeps the first bytes, counts the rest and reports passing the kill limit', () => {
    const out = new BoundedOutput(4, 10);
    expect(out.push(Buffer.from('abc'))).toBe(true);
    expect(out.push(Buffer.from('defgh'))).toBe(true);
    expect(out.text()).toBe('abcd\n[… 4 more bytes not shown]');
    expect(out.push(Buffer.from('ijk'))).toBe(false);
    expect(out).toMatchObject({ totalBytes: 11, overLimit: true });
  });

  it('returns short output unchanged', () => {
    const out = new BoundedOutput(64, 100);
    out.push(Buffer.from('héllo'));
    expect(out.text()).toBe('héllo');
  });
});
