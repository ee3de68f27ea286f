import { describe, expect, it } from 'vitest';
import { executeWithoutSync, message, startupMessage } from '../test/raw-wire-client';
import { type Frame, PgFrameReader, ProtocolViolation } from './pg-wire-frames';

const MAX = 1024;
const sslRequest = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

function feed(reader: PgFrameReader, bytes: Buffer, chunk: number): Frame[] {
  const frames: Frame[] = [];
  for (let i = 0; i < bytes.length; i += chunk) frames.push(...reader.push(bytes.subarray(i, i + chunk)));
  return frames;
}

describe('PgFrameReader', () => {
  const session = Buffer.concat([sslRequest, startupMessage(), executeWithoutSync('SELECT 1'), message('S'), message('X')]);
  const kinds = (frames: Frame[]) => frames.map((f) => (f.kind === 'message' ? f.type : f.kind));

  it.each([1, 3, 7, session.length])('yields the same whole frames however the bytes are split (chunks of %i)', (chunk) => {
    const reader = new PgFrameReader(MAX);
    const frames = feed(reader, session, chunk);
    expect(kinds(frames)).toEqual(['ssl-request', 'startup', 'P', 'B', 'E', 'S', 'X']);
    expect(Buffer.concat(frames.flatMap((f) => ('bytes' in f ? [f.bytes] : [])))).toEqual(session.subarray(8));
    expect(reader.hasPartialFrame).toBe(false);
  });

  it('reports a half-received message as partial until the rest arrives', () => {
    const reader = new PgFrameReader(MAX);
    reader.push(startupMessage());
    const query = message('Q', Buffer.from('SELECT 1\0'));
    expect(reader.push(query.subarray(0, 6))).toEqual([]);
    expect(reader.hasPartialFrame).toBe(true);
    expect(kinds(reader.push(query.subarray(6)))).toEqual(['Q']);
    expect(reader.hasPartialFrame).toBe(false);
  });

  it.each([
    ['an unknown type', Buffer.from([0x7a, 0, 0, 0, 4])],
    ['a length under 4', Buffer.from([0x51, 0, 0, 0, 3])],
    ['a negative length', Buffer.from([0x51, 0xff, 0xff, 0xff, 0xff])],
    ['a length over the limit', Buffer.from([0x51, 0, 0, 0x04, 0x01])],
    ['a PasswordMessage', message('p', Buffer.from('x\0'))],
    ['a second startup packet', startupMessage()],
  ])('refuses %s after start-up', (_, bytes) => {
    const reader = new PgFrameReader(MAX);
    reader.push(startupMessage());
    expect(() => reader.push(bytes)).toThrow(ProtocolViolation);
  });

  it.each([
    ['an HTTP request', Buffer.from('GET / HTTP/1.1\r\n\r\n')],
    ['protocol 2.0', Buffer.from([0, 0, 0, 9, 0, 2, 0, 0, 0])],
    ['unterminated parameters', startupMessage().subarray(0, -1)],
    ['no user', startupMessage({ database: 'postgres' })],
    ['a value without a name', Buffer.concat([Buffer.from([0, 0, 0, 13, 0, 3, 0, 0]), Buffer.from('\0bob\0\0')])],
    ['an SSLRequest with a wrong length', Buffer.from([0, 0, 0, 12, 0x04, 0xd2, 0x16, 0x2f, 0, 0, 0, 0])],
  ])('refuses %s as the opening packet', (_, bytes) => {
    const reader = new PgFrameReader(MAX);
    const patched = Buffer.from(bytes);
    // Keep the declared length equal to the bytes given, so only the content is at fault.
    if (patched.length >= 8 && patched.readInt32BE(4) === 196608) patched.writeInt32BE(patched.length, 0);
    expect(() => reader.push(patched)).toThrow(ProtocolViolation);
  });
});
