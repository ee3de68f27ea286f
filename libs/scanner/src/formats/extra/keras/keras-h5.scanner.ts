import type { Finding, FormatScanner, ScanContext, ScanInput } from '../../../core/types';
import { readExact, sliceInput } from '../common/bytes';
import { budgetOf, finding, guardedScan } from '../common/findings';
import { readRootAttributes } from '../hdf5/hdf5-attributes';
import { findSignature, HDF5_SIGNATURE } from '../hdf5/hdf5-superblock';
import { kerasConfigFindings } from './keras-findings';

const FORMAT = 'keras-h5';
const CONFIG_ATTRS: ReadonlySet<string> = new Set(['model_config', 'training_config']);

/**
 * Keras 2 HDF5 models (and any HDF5 file): the root group's `model_config` / `training_config` JSON
 * attributes are what `load_model` deserializes, so they are read with the built-in HDF5 reader and
 * analysed. Weight datasets are never touched. Weights-only / plain HDF5 files parse cleanly.
 */
export const kerasH5Scanner: FormatScanner = {
  name: 'keras-h5',
  async canHandle(head: Buffer, input: ScanInput): Promise<boolean> {
    if (head.subarray(0, 8).equals(HDF5_SIGNATURE)) return true;
    return input.size > 512 && (await findSignature(input)) !== undefined;
  },
  scan(input: ScanInput, ctx: ScanContext): Promise<Finding[]> {
    return guardedScan(input, FORMAT, (sink) => scanHdf5(input, ctx, sink));
  },
};

export async function scanHdf5(input: ScanInput, ctx: ScanContext, sink: Finding[]): Promise<void> {
  const budget = budgetOf(() => ctx.checkBudget());
  const attrs = await readRootAttributes(input, CONFIG_ATTRS, budget);
  await scanUserBlock(input, ctx, attrs.superblock.signatureAt, sink);
  if (attrs.dense && attrs.text.size === 0) {
    sink.push(finding(input, 'keras-h5.unscannable', 'ERROR', 'root attributes use dense (fractal heap) storage, which the scanner cannot read: the model config was not checked', { unscannable: true }));
    return;
  }
  for (const [name, text] of attrs.text) {
    if (text.trim() === '') continue;
    sink.push(...kerasConfigFindings(input, `HDF5 attribute ${name}`, text, budget));
  }
}

/**
 * Bytes before a non-zero superblock (the HDF5 "user block") are ignored by HDF5 but are what a pickle or
 * zip loader sees first: a text pickle hidden there would otherwise ride along unscanned. Zero-filled
 * user blocks (what h5py writes) are skipped; anything else goes back to the engine.
 */
async function scanUserBlock(input: ScanInput, ctx: ScanContext, signatureAt: number, sink: Finding[]): Promise<void> {
  if (signatureAt === 0) return;
  const block = await readExact(input, 0, Math.min(signatureAt, 1 << 20), 'user block');
  if (block.every((b) => b === 0) && signatureAt <= block.length) return;
  sink.push(...(await ctx.scanNested(sliceInput(input, 0, signatureAt, `${input.path}!/<hdf5-user-block>`), ctx.depth + 1)));
}
