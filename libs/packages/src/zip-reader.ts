import * as yauzl from 'yauzl';
import { validateEntryMode, validateEntryName } from './entry-name';
import { ENCRYPTION_FLAGS } from './local-header';
import { PackageError, describeName } from './package-error';
import type { SpoolBacking } from './spool-backing';
import { openZipFile } from './zip-file-source';
import { ZipEntryInfo, ZipLimits } from './zip-limits';

/** yauzl 3 exports this, but @types/yauzl (written for v2) does not declare it. */
type GetFileNameLowLevel = (flags: number, name: Buffer, extra: Array<{ id: number; data: Buffer }>, strict: boolean) => string;
const getFileNameLowLevel = (yauzl as unknown as { getFileNameLowLevel: GetFileNameLowLevel }).getFileNameLowLevel;

/** Smallest possible local file header; used to spot entries whose data overlaps (Fifield-style bombs). */
const LOCAL_HEADER_MIN = 30;

export interface OpenedZip {
  zip: yauzl.ZipFile;
  /** File entries in central-directory order, each paired with the raw yauzl entry needed to stream it. */
  files: Array<{ info: ZipEntryInfo; entry: yauzl.Entry }>;
  close(): void;
}

async function openFile(zipPath: string, backing?: SpoolBacking): Promise<yauzl.ZipFile> {
  try {
    // decodeStrings=false: we decode and validate names ourselves so each problem gets its own error code.
    return await openZipFile(zipPath, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true }, backing);
  } catch (err) {
    throw new PackageError('CORRUPT_ZIP', `not a readable zip archive: ${(err as Error).message}`, { cause: err });
  }
}

function decodeName(entry: yauzl.Entry): string {
  const raw = entry.fileName as unknown as Buffer;
  // strict=true keeps backslashes so validateEntryName can refuse them instead of silently rewriting them.
  return getFileNameLowLevel(entry.generalPurposeBitFlag, raw, entry.extraFields, true);
}

class CentralDirectoryChecker {
  private readonly names = new Set<string>();
  private declaredTotal = 0;
  private count = 0;

  constructor(private readonly limits: ZipLimits) {}

  check(entry: yauzl.Entry): ZipEntryInfo | null {
    this.count += 1;
    if (this.count > this.limits.maxZipEntries) {
      throw new PackageError('TOO_MANY_ENTRIES', `archive has more than ${this.limits.maxZipEntries} entries`);
    }
    const path = validateEntryName(decodeName(entry));
    validateEntryMode(path, entry.versionMadeBy, entry.externalFileAttributes);
    // Case-folded so `README.md` and `readme.md` cannot shadow each other on case-insensitive filesystems.
    const key = path.replace(/\/$/, '').toLowerCase();
    if (this.names.has(key)) throw new PackageError('DUPLICATE_ENTRY', `duplicate entry name: ${describeName(path)}`);
    this.names.add(key);
    if ((entry.generalPurposeBitFlag & ENCRYPTION_FLAGS) !== 0) {
      throw new PackageError('ENCRYPTED_ENTRY', `encrypted entries are not supported: ${describeName(path)}`);
    }
    if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
      throw new PackageError('UNSUPPORTED_COMPRESSION', `unsupported compression method ${entry.compressionMethod}: ${describeName(path)}`);
    }
    if (path.endsWith('/')) return null;
    this.declaredTotal += entry.uncompressedSize;
    if (this.declaredTotal > this.limits.maxUnpackedBytes) {
      throw new PackageError('TOO_LARGE', `archive declares more than ${this.limits.maxUnpackedBytes} uncompressed bytes`);
    }
    const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
    if (entry.uncompressedSize > 1024 && ratio > this.limits.maxZipRatio) {
      throw new PackageError('RATIO_EXCEEDED', `entry ${describeName(path)} has compression ratio ${ratio.toFixed(0)}:1`);
    }
    return { path, compressedSize: entry.compressedSize, uncompressedSize: entry.uncompressedSize, compressed: entry.compressionMethod === 8 };
  }
}

function readEntries(zip: yauzl.ZipFile, checker: CentralDirectoryChecker): Promise<OpenedZip['files']> {
  return new Promise((resolve, reject) => {
    const files: OpenedZip['files'] = [];
    const fail = (error: unknown): void => {
      zip.removeAllListeners('entry');
      reject(error instanceof PackageError ? error : new PackageError('CORRUPT_ZIP', `corrupt central directory: ${String((error as Error)?.message ?? error)}`, { cause: error }));
    };
    zip.on('error', fail);
    zip.on('end', () => resolve(files));
    zip.on('entry', (entry: yauzl.Entry) => {
      try {
        const info = checker.check(entry);
        if (info) files.push({ info, entry });
        zip.readEntry();
      } catch (error) {
        fail(error);
      }
    });
    zip.readEntry();
  });
}

/** Local headers must not overlap: shared data between entries is how non-recursive zip bombs amplify. */
function checkNoOverlap(files: OpenedZip['files']): void {
  const spans = files
    .map(({ entry, info }) => ({ start: entry.relativeOffsetOfLocalHeader, end: entry.relativeOffsetOfLocalHeader + LOCAL_HEADER_MIN + entry.compressedSize, path: info.path }))
    .sort((a, b) => a.start - b.start);
  for (let i = 1; i < spans.length; i += 1) {
    if (spans[i].start < spans[i - 1].end) {
      throw new PackageError('OVERLAPPING_ENTRIES', `entries ${describeName(spans[i - 1].path)} and ${describeName(spans[i].path)} overlap`);
    }
  }
}

/**
 * Opens an archive and validates its whole central directory before a single byte is inflated.
 * The caller owns the returned handle and must call close().
 */
export async function openZip(zipPath: string, limits: ZipLimits, backing?: SpoolBacking): Promise<OpenedZip> {
  const zip = await openFile(zipPath, backing);
  try {
    if (zip.entryCount > limits.maxZipEntries) {
      throw new PackageError('TOO_MANY_ENTRIES', `archive has ${zip.entryCount} entries (limit ${limits.maxZipEntries})`);
    }
    const files = await readEntries(zip, new CentralDirectoryChecker(limits));
    checkNoOverlap(files);
    return { zip, files, close: () => zip.close() };
  } catch (error) {
    zip.close();
    throw error;
  }
}

/** Validates an archive's central directory and lists its files. Nothing is inflated. */
export async function inspectZip(zipPath: string, limits: ZipLimits): Promise<ZipEntryInfo[]> {
  const opened = await openZip(zipPath, limits);
  opened.close();
  return opened.files.map((f) => f.info);
}
