import type { Finding, FormatScanner, ScanContext, ScanInput } from '../../../core/types';
import { memoryInput, sliceInput } from '../common/bytes';
import { budgetOf, finding, guardedScan } from '../common/findings';
import { entryDataOffset, readSmallEntry, readZipDirectory, type ZipEntry } from '../common/zip-directory';
import { scanHdf5 } from './keras-h5.scanner';
import { kerasConfigFindings } from './keras-findings';

const FORMAT = 'keras-v3';
const MAX_CONFIG = 64 << 20;
/** Compressed members are inflated in memory to be scanned; above this they are reported instead. */
const MAX_INFLATED_MEMBER = 64 << 20;
/** Members Keras itself writes; anything else in a .keras file is unexpected cargo (e.g. a pickle). */
const EXPECTED = /^(config\.json|metadata\.json|model\.weights\.(h5|npz)|assets(\/.*)?)$/;

/**
 * Keras 3 `.keras` archives: a zip with config.json + metadata.json + model.weights.h5. Detected by
 * reading the central directory, so the engine must offer zips to this scanner before its generic zip
 * scanner (which should still scan every member for pickles).
 */
export const kerasV3Scanner: FormatScanner = {
  name: 'keras-v3',
  async canHandle(head: Buffer, input: ScanInput): Promise<boolean> {
    if (head.length < 4 || head.readUInt32LE(0) !== 0x04034b50) return false;
    try {
      const names = new Set((await readZipDirectory(input)).map((e) => e.name));
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
  const entries = await readZipDirectory(input);
  const byName = new Map<string, ZipEntry>();
  for (const e of entries) {
    if (byName.has(e.name)) sink.push(finding(input, 'keras-v3.duplicate-member', 'ERROR', `member ${JSON.stringify(e.name)} appears twice (loaders may read a different copy than the scanner)`));
    byName.set(e.name, e);
    if (!EXPECTED.test(e.name)) sink.push(finding(input, 'keras-v3.unexpected-member', 'WARNING', `unexpected member ${JSON.stringify(e.name.slice(0, 200))} in a .keras archive`));
  }
  const config = byName.get('config.json');
  if (!config) {
    sink.push(finding(input, 'keras-v3.unscannable', 'ERROR', 'config.json is missing', { unscannable: true }));
    return;
  }
  sink.push(...kerasConfigFindings(input, 'config.json', await readSmallEntry(input, config, MAX_CONFIG), budget));
  const weights = byName.get('model.weights.h5');
  if (weights) await checkWeights(input, ctx, weights, sink);
  for (const e of byName.values()) {
    if (e.name === 'config.json' || e.name === 'metadata.json' || e.name === 'model.weights.h5' || e.name.endsWith('/')) continue;
    await scanMember(input, ctx, e, sink);
  }
}

/**
 * Other members (assets, npz weights, unexpected cargo) go back to the engine, which sniffs and scans them:
 * claiming the archive must not hide a pickle stored next to the config.
 */
async function scanMember(input: ScanInput, ctx: ScanContext, e: ZipEntry, sink: Finding[]): Promise<void> {
  const path = `${input.path}!/${e.name}`;
  if (ctx.depth + 1 > ctx.options.maxDepth) {
    sink.push(finding(input, 'keras-v3.member-not-scanned', 'ERROR', `${JSON.stringify(e.name.slice(0, 200))} is nested too deeply to scan`, { unscannable: true }));
    return;
  }
  let member: ScanInput;
  if (e.method === 0 && !(e.flags & 0x01)) member = sliceInput(input, await entryDataOffset(input, e), e.size, path);
  else if (e.size <= MAX_INFLATED_MEMBER) member = memoryInput(await readSmallEntry(input, e, MAX_INFLATED_MEMBER), path);
  else {
    sink.push(finding(input, 'keras-v3.member-not-scanned', 'ERROR', `${JSON.stringify(e.name.slice(0, 200))} is a compressed member of ${e.size} bytes; it was not scanned`, { unscannable: true }));
    return;
  }
  sink.push(...(await ctx.scanNested(member, ctx.depth + 1)));
}

async function checkWeights(input: ScanInput, ctx: ScanContext, e: ZipEntry, sink: Finding[]): Promise<void> {
  if (e.method !== 0) {
    // Random access into a deflated HDF5 member would mean inflating it whole; leave it to the archive scanner.
    sink.push(finding(input, 'keras-v3.weights-compressed', 'INFO', 'model.weights.h5 is compressed; its HDF5 structure is left to the archive scanner'));
    return;
  }
  const member = sliceInput(input, await entryDataOffset(input, e), e.size, `${input.path}!/model.weights.h5`);
  const inner: Finding[] = [];
  try {
    await scanHdf5(member, ctx, inner);
  } catch (err: unknown) {
    if (err instanceof Error && err.name === 'BudgetSignal') throw err;
    inner.push(finding(member, 'keras-v3.weights-unscannable', 'ERROR', `model.weights.h5 is not a valid HDF5 file: ${err instanceof Error ? err.message : String(err)}`, { unscannable: true }));
  }
  sink.push(...inner);
}
