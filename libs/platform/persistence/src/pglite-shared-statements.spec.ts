import { describe, expect, it } from 'vitest';
import { message } from '../test/raw-wire-client';
import { StatementNamer } from './named-statements';
import { CLOSE_COMPLETE, PARSE_COMPLETE, ReplyScan, SharedStatements } from './pglite-shared-statements';

const parse = (name: string, sql: string) => new Uint8Array(message('P', Buffer.from(`${name}\0${sql}\0\0\0`)));
const close = (kind: 'S' | 'P', name: string) => new Uint8Array(message('C', Buffer.from(`${kind}${name}\0`)));
const PARSE_COMPLETE_TYPE = 0x31;

describe('SharedStatements: what the wire server answers itself', () => {
  it('answers a repeated Parse only once the session has the statement, and only for the same bytes', () => {
    const shared = new SharedStatements();
    expect(shared.replyFor(parse('s1', 'SELECT $1'), false)).toBeNull();
    shared.recordRun(parse('s1', 'SELECT $1'), PARSE_COMPLETE_TYPE);
    expect(shared.replyFor(parse('s1', 'SELECT $1'), false)).toEqual(PARSE_COMPLETE);
    expect(shared.replyFor(parse('s1', 'SELECT $2'), false)).toBeNull(); // Postgres says "already exists"
    expect(shared.replyFor(parse('s1', 'SELECT $1'), true)).toBeNull(); // skipped by Postgres after an error
  });

  it('records only named statements that PGlite created', () => {
    const shared = new SharedStatements();
    shared.recordRun(parse('', 'SELECT 1'), PARSE_COMPLETE_TYPE);
    shared.recordRun(parse('bad', 'SELEC 1'), 'E'.charCodeAt(0));
    expect(shared.size).toBe(0);
    expect(shared.replyFor(parse('bad', 'SELEC 1'), false)).toBeNull();
  });

  it('keeps a shared statement on Close, and passes Closes of portals and unknown statements on', () => {
    const shared = new SharedStatements();
    shared.recordRun(parse('s1', 'SELECT 1'), PARSE_COMPLETE_TYPE);
    expect(shared.replyFor(close('S', 's1'), false)).toEqual(CLOSE_COMPLETE);
    expect(shared.replyFor(close('S', 'other'), false)).toBeNull();
    expect(shared.replyFor(close('P', 's1'), false)).toBeNull();
    expect(shared.replyFor(parse('s1', 'SELECT 1'), false)).toEqual(PARSE_COMPLETE);
  });
});

describe('ReplyScan: message types of a streamed reply', () => {
  const reply = Buffer.concat([message('1'), message('2'), message('D', Buffer.alloc(300, 0x45)), message('E', Buffer.from('SERROR\0\0')), message('Z', Buffer.from('I'))]);

  it('finds the first type and an ErrorResponse, however the reply is cut into chunks', () => {
    for (const size of [1, 2, 3, 5, 7, 64, reply.length]) {
      const scan = new ReplyScan();
      for (let at = 0; at < reply.length; at += size) scan.push(reply.subarray(at, at + size));
      expect([scan.firstType, scan.sawError]).toEqual([PARSE_COMPLETE_TYPE, true]);
    }
  });

  it('does not mistake row data for an ErrorResponse', () => {
    const scan = new ReplyScan();
    scan.push(Buffer.concat([message('D', Buffer.alloc(40, 0x45)), message('C', Buffer.from('SELECT 1\0')), message('Z', Buffer.from('I'))]));
    expect([String.fromCharCode(scan.firstType), scan.sawError]).toEqual(['D', false]);
  });
});

describe('StatementNamer', () => {
  it('gives a text the same name every time and in every process, and different texts different names', () => {
    const one = new StatementNamer();
    const other = new StatementNamer();
    const name = one.nameOf('SELECT $1');
    expect(name).toMatch(/^mg_[A-Za-z0-9_-]{24}$/);
    expect(one.nameOf('SELECT $1')).toBe(name);
    expect(other.nameOf('SELECT $1')).toBe(name);
    expect(one.nameOf('SELECT $2')).not.toBe(name);
  });

  it('stops naming new texts once its budget is spent, and never names very long texts', () => {
    const namer = new StatementNamer(2);
    const a = namer.nameOf('SELECT $1');
    expect(namer.nameOf('SELECT $2')).toBeDefined();
    expect(namer.nameOf('SELECT $3')).toBeUndefined();
    expect(namer.nameOf('SELECT $1')).toBe(a);
    expect(new StatementNamer().nameOf(`SELECT $1 -- ${'x'.repeat(20_000)}`)).toBeUndefined();
  });
});
