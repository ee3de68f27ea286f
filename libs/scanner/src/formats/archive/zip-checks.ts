import type { Finding, ScanOptions } from '../../core/types';
import { unsafeMemberName, type ZipDirectory, type ZipEntry } from './zip-reader';

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

export function archiveLimits(options: ScanOptions): { maxInflated: number; maxRatio: number; maxEntries: number } {
  return {
    maxInflated: options.maxInflatedBytes ?? options.maxFileBytes * 4,
    maxRatio: options.maxCompressionRatio ?? 1000,
    maxEntries: options.maxArchiveEntries ?? 100_000,
  };
}

/**
 * Structural checks on a zip directory: every way the central directory, the local headers and the
 * different readers (Python zipfile vs PyTorch/miniz) can disagree, plus bombs, links and traversal names.
 * Each finding names the member so a person can look at it.
 */
export function checkZipDirectory(path: string, dir: ZipDirectory, options: ScanOptions): Finding[] {
  const out: Finding[] = [];
  const limits = archiveLimits(options);
  const add = (ruleId: string, severity: Finding['severity'], message: string, e?: ZipEntry, unscannable = false): void => {
    const f: Finding = { ruleId, severity, message, location: { file: e ? `${path}!/${e.name}` : path, offset: e?.localHeaderOffset } };
    if (unscannable) f.unscannable = true;
    out.push(f);
  };
  for (const p of dir.problems) add('zip.malformed', 'ERROR', p, undefined, true);
  const seen = new Set<string>();
  let declared = 0;
  const ranges: Array<[number, number, ZipEntry]> = [];
  for (const e of dir.entries) {
    if (seen.has(e.name)) add('zip.duplicate-name', 'ERROR', `duplicate member name ${JSON.stringify(e.name)}: readers disagree on which one is loaded`, e);
    seen.add(e.name);
    const bad = unsafeMemberName(e.name);
    if (bad) add('archive.path-traversal', 'ERROR', `member name ${JSON.stringify(e.name)}: ${bad}`, e);
    if (e.madeByUnix) {
      const type = (e.externalAttrs >>> 16) & S_IFMT;
      if (type === S_IFLNK) add('archive.symlink', 'ERROR', `member ${JSON.stringify(e.name)} is a symbolic link`, e);
      else if (type !== 0 && type !== S_IFREG && type !== S_IFDIR) add('archive.special-file', 'ERROR', `member ${JSON.stringify(e.name)} is a device/FIFO/socket entry`, e);
    }
    if (e.dataOffset === undefined) {
      add('zip.missing-local-header', 'ERROR', `no valid local header at offset ${e.localHeaderOffset}`, e, true);
      continue;
    }
    if (e.localName !== undefined && e.localName !== e.name) {
      add('zip.name-mismatch', 'ERROR', `local header names ${JSON.stringify(e.localName)} but the central directory says ${JSON.stringify(e.name)} (Python zipfile refuses, PyTorch loads)`, e);
    }
    if ((e.flags | (e.localFlags ?? 0)) & 0x61) {
      add('zip.encrypted', 'ERROR', 'member is flagged encrypted/patched (bits 0x1/0x20/0x40): Python zipfile refuses it, PyTorch ignores the flag; content scanned as stored', e, true);
    }
    if (e.method !== 0 && e.method !== 8) add('zip.unsupported-method', 'ERROR', `compression method ${e.method} is not supported by the scanner`, e, true);
    const usesDescriptor = ((e.localFlags ?? e.flags) & 0x8) !== 0;
    if (!usesDescriptor && e.localCrc !== undefined && e.localCompressedSize !== 0xffffffff && (e.localCrc !== e.crc || (e.localCompressedSize !== e.compressedSize && e.localCompressedSize !== 0))) {
      add('zip.header-mismatch', 'WARNING', 'local header CRC/size disagree with the central directory', e);
    }
    if (e.method === 0 && e.compressedSize !== e.size) add('zip.header-mismatch', 'WARNING', 'stored member with different compressed and uncompressed sizes', e);
    declared += e.size;
    const ratio = e.compressedSize > 0 ? e.size / e.compressedSize : e.size > 0 ? Infinity : 1;
    if (e.method === 8 && e.size > 1 << 20 && ratio > limits.maxRatio) {
      add('archive.bomb', 'ERROR', `member declares a ${Math.round(ratio)}:1 compression ratio (limit ${limits.maxRatio}:1)`, e, true);
    }
    ranges.push([e.localHeaderOffset, e.dataOffset + e.compressedSize, e]);
  }
  if (declared > limits.maxInflated) add('archive.bomb', 'ERROR', `members declare ${declared} bytes in total (limit ${limits.maxInflated})`, undefined, true);
  ranges.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < ranges.length; i++) {
    if (ranges[i][0] < ranges[i - 1][1]) {
      add('archive.overlap', 'ERROR', `member overlaps ${JSON.stringify(ranges[i - 1][2].name)} (overlapping-entry zip bomb or polyglot)`, ranges[i][2]);
      break;
    }
  }
  return out;
}
