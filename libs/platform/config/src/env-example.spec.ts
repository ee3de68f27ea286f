import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FULL_ENV_SCHEMA } from './env.schema';

describe('.env.example', () => {
  const example = readFileSync(resolve(__dirname, '../../../../.env.example'), 'utf8');
  const documented = new Set(
    example
      .split('\n')
      .map((line) => /^([A-Z][A-Z0-9_]*)=/.exec(line)?.[1])
      .filter((name): name is string => name !== undefined),
  );

  it('documents every variable the schema reads', () => {
    const schemaKeys = Object.keys(FULL_ENV_SCHEMA.shape);
    expect(schemaKeys.length).toBeGreaterThan(40);
    expect(schemaKeys.filter((k) => !documented.has(k))).toEqual([]);
  });

  it('documents nothing the schema does not read (no stale variables)', () => {
    const schemaKeys = new Set(Object.keys(FULL_ENV_SCHEMA.shape));
    expect([...documented].filter((k) => !schemaKeys.has(k))).toEqual([]);
  });

  it('every documented default value is itself valid', () => {
    const values = Object.fromEntries(
      example
        .split('\n')
        .map((line) => /^([A-Z][A-Z0-9_]*)=(.+)$/.exec(line))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => [m[1], m[2]]),
    );
    expect(FULL_ENV_SCHEMA.safeParse(values).error?.issues ?? []).toEqual([]);
  });
});
