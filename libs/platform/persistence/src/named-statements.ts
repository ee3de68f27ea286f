import { createHash } from 'node:crypto';
import { Client } from 'pg';

/**
 * Distinct statement texts a process names. Application code builds its SQL from a fixed set of shapes, so this
 * is far above what it uses; a text that varies with its input (an IN list of any length) stops being named once
 * the budget is spent instead of filling the database's plan cache.
 */
export const MAX_NAMED_STATEMENTS = 1_000;
/** Longer texts are not worth keeping prepared (bulk inserts whose length follows the batch). */
const MAX_NAMED_TEXT = 16_384;

/** Gives each parameterised statement text one stable name, up to `max` distinct texts. */
export class StatementNamer {
  private readonly names = new Map<string, string>();

  constructor(private readonly max = MAX_NAMED_STATEMENTS) {}

  /** The text's name, or undefined when it is not to be prepared (too long, or the budget is spent). */
  nameOf(text: string): string | undefined {
    const known = this.names.get(text);
    if (known !== undefined || this.names.size >= this.max || text.length > MAX_NAMED_TEXT) return known;
    // Derived from the text alone, so every connection (and, on PGlite's one shared session, every service)
    // arrives at the same name for the same statement.
    const name = `mg_${createHash('sha256').update(text).digest('base64url').slice(0, 24)}`;
    this.names.set(text, name);
    return name;
  }
}

const processNamer = new StatementNamer();

/**
 * A `pg` client that sends every parameterised statement TypeORM issues as a named prepared statement, so the
 * database parses and plans it once per session instead of on every execution. The embedded database gains most:
 * PGlite runs on the event loop, and for a primary-key read parsing and planning were about half of its time
 * (bench/RESULTS.md, "Embedded: statements prepared once"). Statements without parameters keep the simple protocol:
 * BEGIN, COMMIT and migrations' multi-statement scripts cannot be prepared.
 */
export class NamedStatementClient extends Client {
  // `pg` declares query() as a dozen overloads; one rest signature returning `never` is assignable to all of them,
  // and whatever the base method returns for these arguments (a promise, a submittable, nothing) is passed through.
  override query(...args: unknown[]): never {
    const [text, values, ...rest] = args;
    if (typeof text === 'string' && Array.isArray(values) && values.length > 0) {
      const name = processNamer.nameOf(text);
      if (name !== undefined) return (super.query as (...a: unknown[]) => never)({ name, text, values }, ...rest);
    }
    return (super.query as (...a: unknown[]) => never)(...args);
  }
}
