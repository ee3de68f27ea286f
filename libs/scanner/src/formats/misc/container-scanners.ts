import { createGunzip, createInflate } from 'node:zlib';
import { Readable } from 'node:stream';
import type { Finding, FormatScanner, ScanInput } from '../../core/types';
import { InflatedInput, InflateLimitError } from '../../io/inflated-input';
import { archiveLimits } from '../archive/zip-checks';

/** 7z cannot be opened safely here; nullifAI hid torch payloads in 7z. Unscannable blocks. */
export const sevenZipScanner: FormatScanner = {
  name: '7z',
  canHandle: (head) => head.length >= 6 && head.subarray(0, 6).equals(Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])),
  scan: (input) => Promise.resolve([unsupported(input, '7z archives cannot be inspected; extract and upload the contents')]),
};

const OTHER_COMPRESSORS: Array<[string, number[]]> = [
  ['bzip2', [0x42, 0x5a, 0x68]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  ['lz4', [0x04, 0x22, 0x4d, 0x18]],
  ['rar', [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07]],
];

/** Compressed wrappers we cannot decode with Node's zlib (joblib can write bz2/xz/lz4). */
export const otherCompressedScanner: FormatScanner = {
  name: 'compressed',
  canHandle: (head) => OTHER_COMPRESSORS.some(([, m]) => head.length >= m.length && m.every((b, i) => head[i] === b)),
  async scan(input) {
    const head = await input.read(0, 8);
    const kind = OTHER_COMPRESSORS.find(([, m]) => m.every((b, i) => head[i] === b))?.[0] ?? 'compressed';
    return [unsupported(input, `${kind}-compressed content cannot be inspected`)];
  },
};

/** gzip and zlib wrappers (joblib compress=True, .gz models): inflate on the fly and scan the content. */
export const gzipScanner: FormatScanner = {
  name: 'gzip',
  canHandle: (head) => head.length >= 3 && ((head[0] === 0x1f && head[1] === 0x8b && head[2] === 8) || isZlib(head)),
  async scan(input, ctx) {
    const head = await input.read(0, 2);
    const gzip = head[0] === 0x1f;
    const cap = archiveLimits(ctx.options).maxInflated;
    const inner = new InflatedInput(`${input.path}!/${gzip ? 'gunzip' : 'inflate'}`, cap, () => ({
      source: Readable.from(input.stream(0, input.size)),
      inflater: gzip ? createGunzip() : createInflate(),
    }), cap);
    try {
      return await ctx.scanNested(inner, ctx.depth + 1);
    } catch (err) {
      if (err instanceof InflateLimitError) return [bomb(input, err.message)];
      if (err instanceof Error && /incorrect|invalid|unexpected end|zlib/i.test(err.message)) return [unsupported(input, `corrupt compressed data: ${err.message}`)];
      throw err;
    } finally {
      inner.destroy();
    }
  },
};

function isZlib(head: Buffer): boolean {
  return head[0] === 0x78 && [0x01, 0x5e, 0x9c, 0xda].includes(head[1]) && ((head[0] << 8) | head[1]) % 31 === 0;
}

function unsupported(input: ScanInput, message: string): Finding {
  return { ruleId: 'format.unsupported-container', severity: 'ERROR', message, location: { file: input.path }, unscannable: true };
}

function bomb(input: ScanInput, message: string): Finding {
  return { ruleId: 'archive.bomb', severity: 'ERROR', message: `decompressed data ${message}`, location: { file: input.path }, unscannable: true };
}
