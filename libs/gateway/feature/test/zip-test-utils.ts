import { createHash } from 'node:crypto';
import yauzl from 'yauzl';
import { Readable } from 'node:stream';
import { ZipFile } from 'yazl';

/** Reads every entry of a zip held in memory (test-sized archives only). */
export function unzipToMap(buffer: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('no zip'));
      const out = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            out.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(out));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** Builds a zip with yazl from name → content. */
export function buildZip(files: Record<string, string | Buffer>): Promise<Buffer> {
  const zip = new ZipFile();
  for (const [name, content] of Object.entries(files)) zip.addBuffer(Buffer.isBuffer(content) ? content : Buffer.from(content), name);
  return collectZip(zip);
}

/** A zip as yazl streams it (and as our downloads are): stored entries of unknown size, each ended by a data descriptor. */
export function buildStreamedZip(files: Record<string, Buffer>): Promise<Buffer> {
  const zip = new ZipFile();
  for (const [name, data] of Object.entries(files)) zip.addReadStream(Readable.from([data]), name, { compress: false });
  return collectZip(zip);
}

function collectZip(zip: ZipFile): Promise<Buffer> {
  zip.end();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

/** A zip whose entry escapes the root: built with a same-length placeholder, then patched (yazl refuses '..'). */
export async function buildTraversalZip(): Promise<Buffer> {
  const zip = await buildZip({ 'zz/evil.txt': 'pwned' });
  return Buffer.from(zip.toString('latin1').replaceAll('zz/evil.txt', '../evil.txt'), 'latin1');
}

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
