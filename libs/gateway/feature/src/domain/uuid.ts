const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A lower-case, hyphenated UUID as `randomUUID()` writes them: the shape of every id the gateway hands out. */
export function isUuid(raw: string): boolean {
  return UUID.test(raw);
}
