import { describe, expect, it } from 'vitest';
import { ByteReader } from './byte-reader';
import { bufferInput } from './inputs';
import { SHORT_ASCII_MAX, shortAscii } from './short-ascii';

describe('shortAscii (the VM’s decoder of short strings)', () => {
  it('decodes ASCII exactly as UTF-8 and Latin-1 do, and declines anything else', () => {
    const bytes = Buffer.from([0x00, 0x0a, 0x20, 0x41, 0x5f, 0x7a, 0x7f, 0x80, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xff]);
    let seed = 7;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let round = 0; round < 2000; round++) {
      const n = next() % (SHORT_ASCII_MAX + 2);
      const ascii = round % 2 === 0;
      const b = Buffer.alloc(n + 3, 0x2e);
      for (let i = 0; i < n; i++) b[i + 3] = ascii ? next() % 0x80 : bytes[next() % bytes.length];
      const s = shortAscii(b, 3, n);
      if (n > SHORT_ASCII_MAX) expect(s).toBeUndefined();
      else if (b.subarray(3).every((c) => c < 0x80)) {
        expect(s).toBe(b.toString('utf8', 3));
        expect(s).toBe(b.toString('latin1', 3));
      } else expect(s).toBeUndefined();
    }
  });

  it('leaves non-ASCII short strings to the UTF-8 and Latin-1 decoders in ByteReader.text', async () => {
    const data = Buffer.from('caf\u00e9 os', 'utf8');
    const r = new ByteReader(bufferInput(Buffer.concat([data, data]), 'x'));
    await r.fill(data.length * 2);
    expect(r.text(data.length, 'utf8')).toBe('caf\u00e9 os');
    expect(r.text(data.length, 'latin1')).toBe(data.toString('latin1'));
    expect(r.pos).toBe(data.length * 2);
  });
});
