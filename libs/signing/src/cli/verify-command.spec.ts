import { buildOmsStatement, generateSigningKeyPem, publicKeyPem, signingKeyFromPem, signStatement, type SigningKey } from '../index';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runVerify } from './verify-command';

const sha = (b: string): string => createHash('sha256').update(b).digest('hex');
const key = signingKeyFromPem(generateSigningKeyPem());
const other = signingKeyFromPem(generateSigningKeyPem());
const pkg = { 'README.md': '# m\n', 'weights/model.bin': 'weights-bytes' };

function capture(): { io: { stdout: PassThrough; stderr: PassThrough }; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const o: Buffer[] = [];
  const e: Buffer[] = [];
  stdout.on('data', (c: Buffer) => o.push(c));
  stderr.on('data', (c: Buffer) => e.push(c));
  return { io: { stdout, stderr }, out: () => Buffer.concat(o).toString(), err: () => Buffer.concat(e).toString() };
}

function bundleFor(files: Record<string, string>, signer: SigningKey): string {
  const manifest = Object.entries(files).map(([path, content]) => ({ path, sha256: sha(content) }));
  return JSON.stringify(signStatement(buildOmsStatement('m', manifest, ['SHA256SUMS', 'model.sig']), signer));
}

describe('modelguard verify', () => {
  let root: string;
  let keyFile: string;
  let n = 0;
  const write = async (files: Record<string, string>, bundle: string | null): Promise<string> => {
    const dir = join(root, `p${n++}`);
    for (const [path, content] of Object.entries({ ...files, ...(bundle === null ? {} : { 'model.sig': bundle }) })) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), content);
    }
    return dir;
  };
  const verify = async (...argv: string[]): Promise<{ code: number; out: string; err: string }> => {
    const c = capture();
    const code = await runVerify(argv, c.io);
    return { code, out: c.out(), err: c.err() };
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'mg-verify-'));
    keyFile = join(root, 'key.pem');
    await writeFile(keyFile, publicKeyPem(key.publicKey));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('exits 0 for an intact package (the checksum file is a signed extra)', async () => {
    const dir = await write({ ...pkg, SHA256SUMS: 'x' }, bundleFor(pkg, key));
    const r = await verify(dir, '--key', keyFile);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toMatch(/^OK .*2 files match the manifest signed by key [0-9a-f]{64}/);
  });

  it('exits 1 naming an edited, an extra and a missing file (json)', async () => {
    const dir = await write({ 'README.md': '# changed\n', 'evil.py': 'import os' }, bundleFor(pkg, key));
    const r = await verify(dir, '--key', keyFile, '--format', 'json');
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out) as { valid: boolean; problems: { path: string; reason: string }[] };
    expect(json.valid).toBe(false);
    expect(json.problems.map((p) => [p.path, p.reason])).toEqual([['README.md', 'modified'], ['evil.py', 'unexpected'], ['weights/model.bin', 'missing']]);
  });

  it('exits 1 when unsigned, forged, signed for another package or by another key', async () => {
    expect((await verify(await write(pkg, null), '--key', keyFile)).out).toMatch(/unsigned: the package holds no model.sig/);
    const forged = JSON.parse(bundleFor(pkg, other)) as { verificationMaterial: { publicKey: { hint: string } } };
    forged.verificationMaterial.publicKey.hint = key.keyId;
    const f = await verify(await write(pkg, JSON.stringify(forged)), '--key', keyFile);
    expect([f.code, f.out]).toEqual([1, expect.stringMatching(/signature does not verify/)]);
    const another = await verify(await write(pkg, bundleFor({ 'other.bin': 'x' }, key)), '--key', keyFile);
    expect([another.code, another.out]).toEqual([1, expect.stringMatching(/unexpected +README\.md[\s\S]*missing +other\.bin/)]);
    const wrongKey = await verify(await write(pkg, bundleFor(pkg, other)), '--key', keyFile);
    expect([wrongKey.code, wrongKey.out]).toEqual([1, expect.stringMatching(/not a trusted key/)]);
    const garbage = await verify(await write(pkg, '{not json'), '--key', keyFile);
    expect([garbage.code, garbage.out]).toEqual([1, expect.stringMatching(/model\.sig: /)]);
  });

  it('exits 1 for a symlink and for a file that is not a zip', async () => {
    const dir = await write(pkg, bundleFor(pkg, key));
    await symlink('/etc/passwd', join(dir, 'link'));
    expect((await verify(dir, '--key', keyFile)).out).toMatch(/symbolic link/);
    const notZip = join(root, 'bad.zip');
    await writeFile(notZip, 'not a zip');
    expect(await verify(notZip, '--key', keyFile)).toMatchObject({ code: 1, out: expect.stringMatching(/not a readable zip/) });
  });

  it('exits 2 on usage errors', async () => {
    const dir = await write(pkg, bundleFor(pkg, key));
    expect((await verify(dir)).code).toBe(2);
    expect((await verify('--key', keyFile)).code).toBe(2);
    expect((await verify(dir, '--key', join(root, 'absent.pem'))).code).toBe(2);
    expect((await verify(join(root, 'absent'), '--key', keyFile)).code).toBe(2);
    expect((await verify(dir, '--key', keyFile, '--format', 'xml')).code).toBe(2);
    expect((await verify(dir, '--key', keyFile, '--bogus')).err).toMatch(/unknown option --bogus/);
  });
});
