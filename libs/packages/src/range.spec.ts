import { describe, expect, it } from 'vitest';
import { PackageError } from './package-error';
import { clampRange, contentRange, parseRangeHeader, rangeProblem, rangeRequestHeader } from './range';

describe('parseRangeHeader', () => {
  it('serves the whole body when there is no usable header', () => {
    expect(parseRangeHeader(undefined, 100)).toBeNull();
    expect(parseRangeHeader('items=0-5', 100)).toBeNull();
    expect(parseRangeHeader('bytes=abc', 100)).toBeNull();
    expect(parseRangeHeader('bytes=-', 100)).toBeNull();
    expect(parseRangeHeader('bytes=9-3', 100)).toBeNull();
    expect(parseRangeHeader('bytes=0-1,5-9', 100)).toBeNull();
    expect(parseRangeHeader(`bytes=${'1'.repeat(300)}-`, 100)).toBeNull();
  });

  it('parses closed, open-ended and suffix ranges, clamping the end', () => {
    expect(parseRangeHeader('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRangeHeader('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRangeHeader('bytes=90-500', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRangeHeader('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRangeHeader('bytes=-500', 100)).toEqual({ start: 0, end: 99 });
    expect(parseRangeHeader('BYTES= 5-5', 100)).toEqual({ start: 5, end: 5 });
  });

  it('throws RANGE_NOT_SATISFIABLE when the range starts past the end', () => {
    for (const h of ['bytes=100-', 'bytes=100-200', 'bytes=-0', `bytes=${'9'.repeat(30)}-`]) {
      let caught: unknown;
      try {
        parseRangeHeader(h, 100);
      } catch (e) {
        caught = e;
      }
      expect(caught, h).toBeInstanceOf(PackageError);
      expect((caught as PackageError).code).toBe('RANGE_NOT_SATISFIABLE');
    }
    expect(() => parseRangeHeader('bytes=0-0', 0)).toThrow(PackageError);
  });

  it('formats Content-Range', () => {
    expect(contentRange({ start: 0, end: 9 }, 100)).toBe('bytes 0-9/100');
    expect(contentRange(null, 100)).toBe('bytes */100');
  });

  it('formats the outgoing request header', () => {
    expect(rangeRequestHeader({ start: 0, end: 9 })).toBe('bytes=0-9');
  });
});

describe('rangeProblem / clampRange', () => {
  it('accepts whole-number ranges that start inside the resource and clamps their end', () => {
    expect(rangeProblem({ start: 0, end: 0 }, 1)).toBeUndefined();
    expect(rangeProblem({ start: 5, end: 500 }, 10)).toBeUndefined();
    expect(clampRange({ start: 5, end: 500 }, 10)).toEqual({ start: 5, end: 9 });
    expect(clampRange({ start: 2, end: 3 }, 10)).toEqual({ start: 2, end: 3 });
  });

  it('names what is wrong with a range that cannot be read', () => {
    expect(rangeProblem({ start: -1, end: 3 }, 10)).toMatch(/0 <= start <= end/);
    expect(rangeProblem({ start: 5, end: 4 }, 10)).toMatch(/0 <= start <= end/);
    expect(rangeProblem({ start: 0.5, end: 4 }, 10)).toMatch(/integers/);
    expect(rangeProblem({ start: 10, end: 11 }, 10)).toMatch(/beyond the size 10/);
  });
});
