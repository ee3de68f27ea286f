import { createHash } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import * as yauzl from 'yauzl';

/** Every file of a downloaded package (zip or extracted directory): its path, SHA-256 and, for small files, bytes. */
export interface PackageFile {
  path: string;
  sha256: string;
  /** Kept only for files whose name `keep` accepts (the bundle), up to MAX_KEPT_BYTES. */
  content?: Buffer;
}

/** A bundle lists every file's digest: generous, but a hostile zip must not make us buffer gigabytes. */
const MAX_KEPT_BYTES = 64 * 1024 * 1024;

export class PackageReadError extends Error {}

/**
 * Hashes a stream with plain 'data'/'end' listeners: yauzl's streams of stored (uncompressed) entries never finish
 * under `for await` (observed with data-descriptor entries, as the registry's zips have), while events work.
 */
function digestOf(stream: Readable, keep: boolean, path: string): Promise<{ sha256: string; content?: Buffer }> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    const chunks: Buffer[] = [];
    let kept = 0;
    stream.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      if (!keep) return;
      kept += chunk.length;
      if (kept > MAX_KEPT_BYTES) {
        stream.destroy();
        reject(new PackageReadError(`${path} is larger than ${MAX_KEPT_BYTES} bytes`));
      } else chunks.push(chunk);
    });
    stream.on('error', reject);
    stream.on('end', () => resolve({ sha256: hash.digest('hex'), ...(keep ? { content: Buffer.concat(chunks) } : {}) }));
  });
}

export async function readPackageFiles(path: string, keep: (name: string) => boolean): Promise<PackageFile[]> {
  const stat = await fsp.stat(path);
  return stat.isDirectory() ? readDir(path, keep) : readZip(path, keep);
}

async function readDir(root: string, keep: (name: string) => boolean): Promise<PackageFile[]> {
  const out: PackageFile[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const d of await fsp.readdir(dir, { withFileTypes: true })) {
      const full = join(dir, d.name);
      const rel = relative(root, full).split(sep).join('/');
      if (d.isDirectory()) await walk(full);
      // A symlink could point anywhere: signed packages never hold one (model-signing's allow_symlinks: false).
      else if (d.isSymbolicLink()) throw new PackageReadError(`${rel} is a symbolic link; signed packages hold none`);
      else if (d.isFile()) out.push({ path: rel, ...(await digestOf(createReadStream(full), keep(rel), rel)) });
    }
  };
  await walk(root);
  return out;
}

function readZip(file: string, keep: (name: string) => boolean): Promise<PackageFile[]> {
  return new Promise((resolve, reject) => {
    const fail = (error: Error): void => reject(new PackageReadError(`${file} is not a readable zip: ${error.message}`));
    yauzl.open(file, { lazyEntries: true, autoClose: true }, (openError, zip) => {
      if (openError || !zip) return fail(openError ?? new Error('cannot open'));
      const out: PackageFile[] = [];
      zip.on('error', fail);
      zip.on('end', () => resolve(out));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return fail(streamError ?? new Error('cannot read entry'));
          digestOf(stream, keep(entry.fileName), entry.fileName).then((d) => {
            out.push({ path: entry.fileName, ...d });
            zip.readEntry();
          }, (error: Error) => (error instanceof PackageReadError ? reject(error) : fail(error)));
        });
      });
      zip.readEntry();
    });
  });
}

