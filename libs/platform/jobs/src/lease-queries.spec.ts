import { describe, expect, it } from 'vitest';
import { leaseQueries } from './lease-queries';

describe('leaseQueries', () => {
  it('claims from the given table and returns exactly the asked columns, prefixed by the job alias', () => {
    const sql = leaseQueries.claim('"scan"."scan_job"', ['id', 'owner']);
    expect(sql).toContain('SELECT id, owner AS previous_owner FROM "scan"."scan_job"');
    expect(sql).toContain('UPDATE "scan"."scan_job" AS job');
    expect(sql).toMatch(/RETURNING job\.id, job\.owner, NULLIF\(candidate\.previous_owner, \$1\) AS taken_over_from$/);
    expect(sql).toContain('FOR UPDATE SKIP LOCKED');
  });

  it('binds the documented parameters in each statement', () => {
    const t = '"s"."t"';
    expect(leaseQueries.heartbeat(t)).toMatch(/\$2 \* interval[\s\S]*\$3::uuid\[\]/);
    expect(leaseQueries.finish(t)).toMatch(/status = \$3, last_error = COALESCE\(\$4/);
    expect(leaseQueries.retryLater(t)).toContain("now() + $4 * interval '1 millisecond'");
    expect(leaseQueries.releaseAll(t)).toContain('WHERE owner = $1');
  });
});
