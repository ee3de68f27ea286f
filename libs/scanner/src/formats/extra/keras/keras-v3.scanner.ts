import type { Finding, FormatScanner, ScanContext, ScanInput } from '../../../core/types';
import { InflateLimitError } from '../../../io/inflated-input';
import { readCentralDirectory, type ZipEntry } from '../../archive/zip-reader';
import { checkMemberIntegrity, isExtractable, openCheckedZip, scanZipMember, withZipMember } from '../../archive/zip-scanner';
import { BudgetSignal, budgetOf, finding, FormatError, guardedScan, unscannable } from '../common/findings';
import { scanHdf5 } from './keras-h5.scanner';
import { kerasConfigFindings } from './keras-findings';

const FORMAT = 'keras-v3';
const MAX_CONFIG = 64 << 20;
/** Detection reads the directory twice (here, then in the scan): archives above these are not Keras files. */
const DETECT_LIMITS = { maxEntries: 10_000, maxDirectoryBytes: 16 << 20 };
/** Members Keras itself writes; anything else in a .keras file is unexpected cargo (e.g. a pickle). */
const EXPECTED = /^(config\.json|metadata\.json|model\.weights\.(h5|npz)|assets(\/.*)?)$/;

/**
 * Keras 3 `.keras` archives: a zip with config.json + metadata.json + model.weights.h5. Detected by
 * reading the central directory, so the engine offers zips to this scanner before its generic zip scanner.
 * Claiming the archive must not weaken it: the scan starts with the very same archive-level checks and
 * per-member CRC/size checks the zip scanner runs, then adds the Keras-specific analysis.
 */
export const kerasV3Scanner: FormatScanner = {
  name: 'keras-v3',
  async canHandle(head: Buffer, input: ScanInput): Promise<boolean> {
    if (head.length < 4 || head.readUInt32LE(0) !== 0x04034b50) return false;
    try {
      const names = new Set((await readCentralDirectory(input, DETECT_LIMITS)).entries.map((e) => e.name));
      return names.has('config.json') && names.has('metadata.json');
    } catch {
      return false;
    }
  },
  scan(input: ScanInput, ctx: ScanContext): Promise<Finding[]> {
    return guardedScan(input, FORMAT, (sink) => scanKerasV3(input, ctx, sink));
  },
};

async function scanKerasV3(input: ScanInput, ctx: ScanContext, sink: Finding[]): Promise<void> {
  const budget = budgetOf(() => ctx.checkBudget());
  const zip = await openCheckedZip(input, ctx);
  sink.push(...zip.findings);
  if (!zip.dir) return;
  const seen = new Set<string>();
  for (const e of zip.dir.entries) {
    if (seen.has(e.name)) sink.push(finding(input, 'keras-v3.duplicate-member', 'ERROR', `member ${JSON.stringify(e.name)} appears twice (loaders may read a different copy than the scanner)`));
    seen.add(e.name);
    if (!EXPECTED.test(e.name)) sink.push(finding(input, 'keras-v3.unexpected-member', 'WARNING', `unexpected member ${JSON.stringify(e.name.slice(0, 200))} in a .keras archive`));
  }
  if (!seen.has('config.json')) sink.push(finding(input, 'keras-v3.unscannable', 'ERROR', 'config.json is missing', { unscannable: true }));
  // A declared bomb is reported by the archive checks; inflating its members is exactly what it wants.
  if (!zip.membersSafe) return;
  // Every copy of a duplicated name is scanned: Python's zipfile loads the last one, other readers the first.
  for (const e of zip.dir.entries) {
    budget();
    if (isExtractable(e)) await scanKerasMember(input, e, ctx, budget, sink);
  }
}

async function scanKerasMember(input: ScanInput, e: ZipEntry, ctx: ScanContext, budget: () => void, sink: Finding[]): Promise<void> {
  switch (e.name) {
    case 'config.json':
      sink.push(...(await withZipMember(input, e, ctx, (member, path) => checkConfig(input, member, e, path, budget))));
      return;
    case 'metadata.json':
      sink.push(...(await withZipMember(input, e, ctx, (member, path) => checkMemberIntegrity(member, e, path))));
      return;
    case 'model.weights.h5':
      sink.push(...(await withZipMember(input, e, ctx, (member, path) => checkWeights(member, e, path, ctx, sink))));
      return;
    default:
      // Assets, npz weights and unexpected cargo go back to the engine, which sniffs and scans them:
      // claiming the archive must not hide a pickle stored next to the config.
      sink.push(...(await scanZipMember(input, e, 'zip', ctx)));
  }
}

async function checkConfig(archive: ScanInput, member: ScanInput, e: ZipEntry, path: string, budget: () => void): Promise<Finding[]> {
  const out: Finding[] = [];
  if (e.size > MAX_CONFIG) {
    out.push(finding(archive, 'keras-v3.unscannable', 'ERROR', `config.json is ${e.size} bytes (cap ${MAX_CONFIG}): it was not analysed`, { unscannable: true }));
  } else {
    try {
      out.push(...kerasConfigFindings(archive, 'config.json', await member.read(0, e.size), budget));
    } catch (err: unknown) {
      // Caught here, not by withZipMember: a JSON error ("Unexpected end…") is not a corrupt deflate stream.
      if (!(err instanceof FormatError)) throw err;
      out.push(unscannable(archive, FORMAT, err));
    }
  }
  out.push(...(await checkMemberIntegrity(member, e, path)));
  return out;
}

/**
 * HDF5 weights: root attributes and the user block, read through the (stored or streaming-inflated) member.
 * Findings go straight into `sink` so those seen before a failure stand; the CRC/size checks are returned.
 */
async function checkWeights(member: ScanInput, e: ZipEntry, path: string, ctx: ScanContext, sink: Finding[]): Promise<Finding[]> {
  try {
    await scanHdf5(member, ctx, sink);
  } catch (err: unknown) {
    // Budget and inflation failures belong to the engine / withZipMember (budget.timeout, archive.bomb, zip.malformed).
    if (err instanceof BudgetSignal || err instanceof InflateLimitError || isZlibError(err)) throw err;
    sink.push(finding(member, 'keras-v3.weights-unscannable', 'ERROR', `model.weights.h5 is not a valid HDF5 file: ${err instanceof Error ? err.message : String(err)}`, { unscannable: true }));
  }
  return checkMemberIntegrity(member, e, path);
}

function isZlibError(err: unknown): boolean {
  const code = err instanceof Error ? (err as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('Z_');
}
