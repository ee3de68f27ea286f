/**
 * Rows of an `UPDATE … RETURNING` / `INSERT … RETURNING` run through TypeORM's postgres driver, which yields
 * `[rows, affectedCount]` for updates but a plain row array for inserts and selects.
 */
export function returnedRows<T>(result: unknown): T[] {
  if (Array.isArray(result) && Array.isArray(result[0])) return result[0] as T[];
  return (result as T[] | undefined) ?? [];
}

/**
 * SQL for "now plus the milliseconds held by parameter $n", on the database clock, so workers on machines with
 * skewed clocks still agree on when a lease runs out.
 */
export function leaseFromNow(param: number): string {
  if (!Number.isInteger(param) || param < 1) throw new Error(`invalid SQL parameter index: ${param}`);
  return `now() + $${param} * interval '1 millisecond'`;
}
