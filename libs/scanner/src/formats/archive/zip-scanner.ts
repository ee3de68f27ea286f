import { crc32 } from 'node:zlib';
import type { DetectedFormat, Finding, FormatScanner, ScanContext, ScanInput } from '../../core/types';
import { InflatedInput, InflateLimitError } from '../../io/inflated-input';
import { sliceInput } from '../../io/inputs';
import { sniffPickle } from '../../pickle/pickle-stream';
import { archiveLimits, checkZipDirectory } from './zip-checks';
import { zipMemberInput } from './zip-member';
import { hasCentralDirectoryAtEnd, readZipDirectory, ZipFormatError, type ZipDirectory, type ZipEntry } from './zip-reader';
import { scanTorchScriptCode } from './torchscript-code';

const TENSOR_RECORD = /^[^/]+\/data\/\d+$/;
const CODE_SOURCE = /^[^/]+\/code\/.+\.py$/;
const MAX_CODE_BYTES = 16 << 20;
/** Members up to this size get their CRC checked (tensor records are skipped and never read). */
const MAX_CRC_BYTES = 64 << 20;

async function crcOf(input: ScanInput): Promise<number> {
  let crc = 0;
  for (let pos = 0; pos < input.size; ) {
    const chunk = await input.read(pos, Math.min(1 << 20, input.size - pos));
    if (chunk.length === 0) break;
    crc = crc32(chunk, crc);
    pos += chunk.length;
  }
  return crc >>> 0;
}

/** Zip family: generic zips, PyTorch zip checkpoints (any archive folder name), TorchScript, npz. */
export const zipScanner: FormatScanner = {
  name: 'zip',
  canHandle(head, input) {
    // A zip whose first bytes are something else (prepended pickle polyglot) still ends with an EOCD record.
    return isZipHead(head) || (input.size >= 22 && hasCentralDirectoryAtEnd(input));
  },
  async scan(input, ctx) {
    const zip = await openCheckedZip(input, ctx);
    if (!zip.dir) return zip.findings;
    const format = classifyZip(zip.dir.entries.map((e) => e.name));
    ctx.setFormat?.(format);
    const findings = zip.findings;
    if (!zip.membersSafe) return findings;
    for (const e of zip.dir.entries) {
      ctx.checkBudget();
      if (!isExtractable(e)) continue;
      findings.push(...(await scanZipMember(input, e, format, ctx)));
    }
    return findings;
  },
};

/** The archive-level result every scanner that claims a zip must start from. */
export interface CheckedZip {
  /** Undefined when the directory is unreadable (`findings` then holds a `zip.malformed`). */
  dir?: ZipDirectory;
  findings: Finding[];
  /** False when a bomb was declared: members must not be inflated. */
  membersSafe: boolean;
}

/**
 * Reads the directory with the relaxed reader and runs every archive-level check (directory vs local
 * headers, flags, duplicates, links, traversal names, bombs, prepended polyglot). Exported so a format
 * scanner that claims zips before this one (Keras v3) cannot become a way around these checks.
 */
export async function openCheckedZip(input: ScanInput, ctx: ScanContext): Promise<CheckedZip> {
  let dir: ZipDirectory;
  try {
    dir = await readZipDirectory(input, { maxEntries: archiveLimits(ctx.options).maxEntries });
  } catch (err) {
    if (!(err instanceof ZipFormatError)) throw err;
    return { findings: [{ ruleId: 'zip.malformed', severity: 'ERROR', message: `unreadable zip: ${err.message}`, location: { file: input.path }, unscannable: true }], membersSafe: false };
  }
  const findings = checkZipDirectory(input.path, dir, ctx.options);
  if (dir.firstLocalOffset > 0) {
    // PyTorch and others locate the archive from its end, so a prefix survives; a pickle there is a polyglot.
    findings.push({ ruleId: 'zip.prepended-data', severity: 'WARNING', message: `${dir.firstLocalOffset} bytes precede the first zip member`, location: { file: input.path, offset: 0 } });
    const prefix = sliceInput(input, 0, dir.firstLocalOffset, `${input.path}!/<prefix>`);
    findings.push(...(await ctx.scanNested(prefix, ctx.depth + 1)).filter((f) => !f.unscannable || f.ruleId !== 'format.unrecognized'));
  }
  return { dir, findings, membersSafe: !findings.some((f) => f.ruleId === 'archive.bomb') };
}

/** Members with content the scanner can read (directories, missing local headers and unknown methods are reported by the checks). */
export function isExtractable(e: ZipEntry): boolean {
  return !e.name.endsWith('/') && e.dataOffset !== undefined && (e.method === 0 || e.method === 8);
}

/** Scans one member through the engine (`ctx.scanNested`) plus its CRC and declared-size checks. */
export function scanZipMember(archive: ScanInput, e: ZipEntry, format: DetectedFormat, ctx: ScanContext): Promise<Finding[]> {
  return withZipMember(archive, e, ctx, async (member, path) => {
    if ((format === 'pytorch-zip' || format === 'torchscript') && TENSOR_RECORD.test(e.name)) {
      // Tensor records are raw numbers: never read them, unless their head is a pickle (a disguised payload).
      const head = await member.read(0, 4096);
      if (!(head[0] === 0x80 && head[1] >= 2 && head[1] <= 5 && (await sniffPickle(head)))) return [];
      return (await ctx.scanNested(member, ctx.depth + 1)).filter((f) => !f.unscannable);
    }
    if (format === 'torchscript' && CODE_SOURCE.test(e.name) && e.size <= MAX_CODE_BYTES) {
      const src = await member.read(0, e.size);
      return scanTorchScriptCode(path, src.toString('utf8'));
    }
    // Copied: a caller's scanNested may hand back a shared array.
    const out = [...(await ctx.scanNested(member, ctx.depth + 1))];
    out.push(...(await checkMemberIntegrity(member, e, path)));
    return out;
  });
}

/**
 * Opens one member as a streaming ScanInput, runs `use` on it and turns inflation failures (bomb, corrupt
 * deflate data) into findings; the inflater is always released. For scanners that read a member themselves.
 */
export async function withZipMember(archive: ScanInput, e: ZipEntry, ctx: ScanContext, use: (member: ScanInput, path: string) => Promise<Finding[]>): Promise<Finding[]> {
  const path = `${archive.path}!/${e.name}`;
  const member = zipMemberInput(archive, e, path, archiveLimits(ctx.options).maxInflated);
  try {
    return await use(member, path);
  } catch (err) {
    if (err instanceof InflateLimitError) {
      return [{ ruleId: 'archive.bomb', severity: 'ERROR', message: `member ${err.message}`, location: { file: path }, unscannable: true }];
    }
    if (err instanceof Error && /invalid|incorrect|unexpected end|zlib/i.test(err.message)) {
      return [{ ruleId: 'zip.malformed', severity: 'ERROR', message: `member cannot be inflated: ${err.message}`, location: { file: path }, unscannable: true }];
    }
    throw err;
  } finally {
    if (member instanceof InflatedInput) member.destroy();
  }
}

/**
 * CRC-32 (what Python zipfile verifies and PyTorch does not, CVE-2025-10156) and inflation beyond the
 * declared size. Streams the member once; members above MAX_CRC_BYTES are not re-read.
 */
export async function checkMemberIntegrity(member: ScanInput, e: ZipEntry, path: string): Promise<Finding[]> {
  const out: Finding[] = [];
  if (e.size <= MAX_CRC_BYTES && (await crcOf(member)) !== e.crc) {
    // Malformed means unscannable: the two loaders see different files (one refuses, one loads), so no verdict
    // of ours can speak for both.
    out.push({ ruleId: 'zip.crc-mismatch', severity: 'ERROR', unscannable: true, message: 'CRC-32 does not match: Python zipfile refuses this member, PyTorch loads it anyway (CVE-2025-10156)', location: { file: path } });
  }
  if (member instanceof InflatedInput && member.overflow) {
    out.push({ ruleId: 'archive.size-mismatch', severity: 'ERROR', message: 'member inflates to more than its declared size', location: { file: path } });
  }
  return out;
}

export function classifyZip(names: readonly string[]): DetectedFormat {
  const files = names.filter((n) => !n.endsWith('/'));
  if (files.some((n) => /^[^/]+\/constants\.pkl$/.test(n)) && files.some((n) => CODE_SOURCE.test(n) || /^[^/]+\/code\//.test(n))) return 'torchscript';
  if (files.some((n) => /^[^/]+\/data\.pkl$/.test(n))) return 'pytorch-zip';
  if (files.length > 0 && files.every((n) => n.endsWith('.npy'))) return 'numpy-npz';
  return 'zip';
}

export function isZipHead(head: Buffer): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6));
}
