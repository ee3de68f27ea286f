import type { Finding, FormatScanner, ScanContext, ScanInput } from '../../core/types';
import { sliceInput } from '../../io/inputs';
import { scanTorchTarMember } from '../pytorch/torch-tar';
import { archiveLimits } from './zip-checks';
import { isTarHeader, readTarEntries, TarFormatError, type TarEntry } from './tar-reader';
import { unsafeMemberName } from './zip-reader';

const TORCH_TAR_MEMBERS = new Set(['pickle', 'storages', 'tensors']);

/** Tar archives, including the PyTorch 0.1.x tar checkpoint layout (sys_info, pickle, storages, tensors). */
export const tarScanner: FormatScanner = {
  name: 'tar',
  canHandle(head) {
    return head.length >= 512 && isTarHeader(head.subarray(0, 512));
  },
  async scan(input, ctx) {
    const findings: Finding[] = [];
    const entries: TarEntry[] = [];
    try {
      for await (const e of readTarEntries(input, archiveLimits(ctx.options).maxEntries)) {
        ctx.checkBudget();
        entries.push(e);
        findings.push(...checkEntry(input.path, e));
      }
    } catch (err) {
      if (!(err instanceof TarFormatError)) throw err;
      findings.push({ ruleId: 'tar.malformed', severity: 'ERROR', message: `unreadable tar: ${err.message}`, location: { file: input.path }, unscannable: true });
    }
    const torch = entries.some((e) => e.name === 'pickle') && entries.every((e) => TORCH_TAR_MEMBERS.has(e.name) || e.name === 'sys_info' || e.type === '5');
    if (torch) ctx.setFormat?.('pytorch-tar');
    const seen = new Set<string>();
    for (const e of entries) {
      if (seen.has(e.name)) findings.push({ ruleId: 'archive.duplicate-name', severity: 'ERROR', message: `duplicate member ${JSON.stringify(e.name)}`, location: { file: `${input.path}!/${e.name}`, offset: e.headerOffset } });
      seen.add(e.name);
      if (e.type !== '0' && e.type !== '7') continue;
      findings.push(...(await scanEntry(input, e, torch, ctx)));
    }
    return findings;
  },
};

async function scanEntry(input: ScanInput, e: TarEntry, torch: boolean, ctx: ScanContext): Promise<Finding[]> {
  const member = sliceInput(input, e.dataOffset, e.size, `${input.path}!/${e.name}`);
  if (torch && (e.name === 'storages' || e.name === 'tensors')) return scanTorchTarMember(member, e.name, ctx);
  return ctx.scanNested(member, ctx.depth + 1);
}

function checkEntry(path: string, e: TarEntry): Finding[] {
  const out: Finding[] = [];
  const location = { file: `${path}!/${e.name}`, offset: e.headerOffset };
  const bad = unsafeMemberName(e.name);
  if (bad) out.push({ ruleId: 'archive.path-traversal', severity: 'ERROR', message: `member name ${JSON.stringify(e.name)}: ${bad}`, location });
  if (e.type === '1' || e.type === '2') {
    out.push({ ruleId: 'archive.symlink', severity: 'ERROR', message: `${e.type === '2' ? 'symbolic' : 'hard'} link ${JSON.stringify(e.name)} -> ${JSON.stringify(e.linkName)}`, location });
  } else if (e.type === '3' || e.type === '4' || e.type === '6') {
    out.push({ ruleId: 'archive.special-file', severity: 'ERROR', message: `device/FIFO entry ${JSON.stringify(e.name)}`, location });
  }
  return out;
}
