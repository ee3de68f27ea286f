import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PackageError, PackageErrorCode } from './package-error';
import { buildRawZip, RawEntry } from '../test/raw-zip';
import { inspectZip } from './zip-reader';
import { ZipLimits } from './zip-limits';

const limits: ZipLimits = { maxZipEntries: 50, maxUnpackedBytes: 10 * 1024 * 1024, maxZipRatio: 100 };
let dir: string;
let counter = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mg-zip-reader-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function zipFile(bytes: Buffer): Promise<string> {
  counter += 1;
  const path = join(dir, `t${counter}.zip`);
  await writeFile(path, bytes);
  return path;
}

async function expectCode(bytes: Buffer, code: PackageErrorCode, custom: ZipLimits = limits): Promise<PackageError> {
  const error = await inspectZip(await zipFile(bytes), custom).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PackageError);
  expect((error as PackageError).code).toBe(code);
  return error as PackageError;
}

const file = (name: string | Buffer, extra: Partial<RawEntry> = {}): RawEntry => ({ name, data: Buffer.from('hello'), ...extra });

describe('inspectZip', () => {
  it('lists the files of a clean archive and skips directory entries', async () => {
    const bytes = buildRawZip([
      file('config.json', { data: Buffer.from('{"a":1}') }),
      { name: 'sub/', externalAttr: (0o040755 << 16) >>> 0 },
      file('sub/./model.safetensors', { data: Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 7919) % 251)), method: 8 }),
    ]);
    const entries = await inspectZip(await zipFile(bytes), limits);
    expect(entries.map((e) => [e.path, e.uncompressedSize, e.compressed])).toEqual([
      ['config.json', 7, false],
      ['sub/model.safetensors', 2048, true],
    ]);
  });

  it.each([
    ['../evil.sh', 'PATH_TRAVERSAL'],
    ['a/../../evil.sh', 'PATH_TRAVERSAL'],
    ['/etc/passwd', 'ABSOLUTE_PATH'],
    ['C:/Windows/x.dll', 'DRIVE_LETTER'],
    ['C:\\Windows\\x.dll', 'BACKSLASH_IN_PATH'],
    ['..\\evil.sh', 'BACKSLASH_IN_PATH'],
    ['a\u0000b.txt', 'CONTROL_CHARACTER'],
    ['line\nbreak.txt', 'CONTROL_CHARACTER'],
    ['a//b.txt', 'INVALID_NAME'],
  ] as const)('refuses the entry name %j with %s', async (name, code) => {
    await expectCode(buildRawZip([file('ok.txt'), file(name)]), code);
  });

  it('refuses duplicate names, including case-only duplicates', async () => {
    await expectCode(buildRawZip([file('README.md'), file('README.md')]), 'DUPLICATE_ENTRY');
    await expectCode(buildRawZip([file('README.md'), file('readme.md')]), 'DUPLICATE_ENTRY');
  });

  it('refuses symlink and device entries made on unix', async () => {
    await expectCode(buildRawZip([file('link', { data: Buffer.from('/etc/passwd'), externalAttr: (0o120777 << 16) >>> 0 })]), 'SYMLINK_ENTRY');
    await expectCode(buildRawZip([file('dev', { externalAttr: (0o020644 << 16) >>> 0 })]), 'SPECIAL_FILE_ENTRY');
  });

  it('ignores unix mode bits on archives made by other systems (DOS attributes)', async () => {
    const entries = await inspectZip(await zipFile(buildRawZip([file('x.txt', { versionMadeBy: 0x0014, externalAttr: 0xa1ff0020 })])), limits);
    expect(entries).toHaveLength(1);
  });

  it('refuses encrypted entries', async () => {
    await expectCode(buildRawZip([file('secret.bin', { flags: 0x0001, data: Buffer.alloc(12 + 5) , declaredSize: 5, method: 8 })]), 'ENCRYPTED_ENTRY');
  });

  it('refuses more entries than allowed, before reading them all', async () => {
    const many = Array.from({ length: 60 }, (_, i) => file(`f${i}.txt`));
    await expectCode(buildRawZip(many), 'TOO_MANY_ENTRIES');
  });

  it('refuses archives whose declared total exceeds the unpacked limit', async () => {
    const small = { ...limits, maxUnpackedBytes: 10_000, maxZipRatio: 1_000_000 };
    await expectCode(buildRawZip([file('a.bin', { data: Buffer.alloc(6000), method: 8 }), file('b.bin', { data: Buffer.alloc(6000), method: 8 })]), 'TOO_LARGE', small);
  });

  it('refuses a high-ratio entry (classic zip bomb kernel)', async () => {
    const error = await expectCode(buildRawZip([file('zeros.bin', { data: Buffer.alloc(5 * 1024 * 1024), method: 8 })]), 'RATIO_EXCEEDED');
    expect(error.message).toMatch(/zeros\.bin/);
  });

  it('refuses overlapping entries (non-recursive overlap bomb)', async () => {
    const kernel = file('k0.bin', { data: Buffer.from('x'.repeat(1000)), method: 8 });
    await expectCode(buildRawZip([kernel, { name: 'k1.bin', method: 8, reuseLocalOf: 0 }]), 'OVERLAPPING_ENTRIES', { ...limits, maxZipRatio: 1000 });
  });

  it('refuses a stored entry whose sizes disagree, and unknown compression methods', async () => {
    await expectCode(buildRawZip([file('a.bin', { declaredSize: 999 })]), 'CORRUPT_ZIP');
    const bzip = buildRawZip([file('a.bin')]);
    // Patch the central directory method field (offset 10 in the CD record) to 12 (bzip2).
    const cdStart = bzip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    bzip.writeUInt16LE(12, cdStart + 10);
    await expectCode(bzip, 'UNSUPPORTED_COMPRESSION');
  });

  it('refuses garbage, truncated archives and a corrupt central directory without hanging', async () => {
    await expectCode(Buffer.from('this is not a zip file at all'), 'CORRUPT_ZIP');
    await expectCode(Buffer.alloc(0), 'CORRUPT_ZIP');
    const good = buildRawZip([file('a.txt'), file('b.txt')]);
    await expectCode(good.subarray(0, good.length - 10), 'CORRUPT_ZIP');
    await expectCode(good.subarray(0, 40), 'CORRUPT_ZIP');
    const corrupt = Buffer.from(good);
    const cdStart = corrupt.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    corrupt.writeUInt32LE(0xdeadbeef, cdStart); // smash the central directory signature
    await expectCode(corrupt, 'CORRUPT_ZIP');
    const eocd = Buffer.from(good);
    eocd.writeUInt16LE(40, eocd.length - 22 + 10); // entry count beyond the directory's real records
    await expectCode(eocd, 'CORRUPT_ZIP');
  });
});
