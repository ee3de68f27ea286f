import { describe, expect, it } from 'vitest';
import { leaseFromNow, returnedRows } from './job-sql';

describe('returnedRows', () => {
  it('unwraps the [rows, affectedCount] pair of an UPDATE … RETURNING', () => {
    expect(returnedRows([[{ id: 'a' }, { id: 'b' }], 2])).toEqual([{ id: 'a' }, { id: 'b' }]);
    expect(returnedRows([[], 0])).toEqual([]);
  });

  it('passes a plain row array (INSERT … RETURNING, SELECT) through, and treats nothing as no rows', () => {
    expect(returnedRows([{ id: 'a' }])).toEqual([{ id: 'a' }]);
    expect(returnedRows([])).toEqual([]);
    expect(returnedRows(undefined)).toEqual([]);
  });
});

describe('leaseFromNow', () => {
  it('computes the expiry on the database clock from a numbered parameter', () => {
    expect(leaseFromNow(3)).toBe("now() + $3 * interval '1 millisecond'");
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses parameter index %s', (param) => {
    expect(() => leaseFromNow(param)).toThrow(/invalid SQL parameter index/);
  });
});
