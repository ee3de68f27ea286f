import type { Finding, ScanContext, ScanInput } from '../../core/types';
import { ByteReader, TruncatedError } from '../../io/byte-reader';
import { PickleAnalyzer } from '../../pickle/pickle-analyzer';
import { vmLimits } from '../../pickle/pickle-stream';
import { PickleError, runPickle } from '../../pickle/pickle-vm';

const ELEMENT_SIZE: Record<string, number> = {
  DoubleStorage: 8, FloatStorage: 4, HalfStorage: 2, BFloat16Storage: 2, LongStorage: 8, IntStorage: 4,
  ShortStorage: 2, CharStorage: 1, ByteStorage: 1, BoolStorage: 1, ComplexFloatStorage: 8, ComplexDoubleStorage: 16,
};

/**
 * The `storages` and `tensors` members of a PyTorch 0.1.x tar checkpoint interleave small pickles with raw
 * records (torch.serialization legacy_load, torch 2.5). Every pickle is analysed, including the trailing
 * `storage_views` pickle of `storages`; the raw records are sized from the preceding pickle and skipped, so
 * the storages' bytes are never read.
 */
export async function scanTorchTarMember(member: ScanInput, kind: 'storages' | 'tensors', ctx: ScanContext): Promise<Finding[]> {
  const reader = new ByteReader(member);
  const analyzer = new PickleAnalyzer(member.path, ctx.options, () => ctx.checkBudget());
  const limits = vmLimits(ctx);
  try {
    const count = await runPickle(reader, analyzer, limits);
    if (count.k !== 'int' || count.v === undefined || count.v < 0) throw new PickleError('record count is not an integer', 0);
    for (let i = 0; i < count.v; i++) {
      ctx.checkBudget();
      const args = await runPickle(reader, analyzer, limits);
      if (kind === 'storages') {
        const type = args.k === 'tuple' ? args.items[2] : undefined;
        const size = type?.k === 'global' ? ELEMENT_SIZE[type.name] : undefined;
        if (!size) throw new PickleError('storage record without a known storage type', reader.pos);
        const numel = (await reader.bytes(8)).readBigInt64LE(0);
        const bytes = Number(numel) * size;
        if (numel < 0n || !Number.isSafeInteger(bytes)) throw new PickleError('bad storage size', reader.pos);
        reader.skip(bytes);
      } else {
        const ndim = (await reader.bytes(8)).readInt32LE(0);
        if (ndim < 0 || ndim > 64) throw new PickleError('bad tensor rank', reader.pos);
        reader.skip(16 * ndim + 8);
      }
    }
    // torch 0.1.x wrote, and torch 2.x legacy_load still unpickles, a storage_views list after the storages.
    if (kind === 'storages' && reader.remaining > 0) await runPickle(reader, analyzer, limits);
    if (reader.remaining > 0) analyzer.add('pickle.trailing-data', 'WARNING', `${reader.remaining} unexpected bytes after the ${kind} records`, { offset: reader.pos, index: -1 });
  } catch (err) {
    if (!(err instanceof PickleError || err instanceof TruncatedError)) throw err;
    analyzer.add('pickle.malformed', 'ERROR', `malformed ${kind} member: ${err.message}`, { offset: reader.pos, index: -1 }, undefined, true);
  }
  return analyzer.findings;
}
