import type { FormatScanner } from '../../core/types';
import { scanPickleStream, sniffPickle } from '../../pickle/pickle-stream';

/** LONG1 10-byte magic number that legacy (pre-1.6, non-zip) torch.save writes as its first pickle. */
const LEGACY_TORCH_MAGIC = Buffer.from([0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19]);

/** The same magic under pickle_protocol=4/5: PROTO, FRAME (8-byte length), then the LONG1 opcode. */
function isLegacyTorch(head: Buffer): boolean {
  if (head.subarray(0, LEGACY_TORCH_MAGIC.length).equals(LEGACY_TORCH_MAGIC)) return true;
  const long1 = LEGACY_TORCH_MAGIC.subarray(2);
  return head.length >= 11 + long1.length && head[0] === 0x80 && (head[1] === 4 || head[1] === 5) && head[2] === 0x95 && head.subarray(11, 11 + long1.length).equals(long1);
}

/**
 * Raw pickles of every protocol (also protocol 0/1 text pickles named .bin/.pt: CVE-2025-10155), joblib dumps
 * and legacy torch files. Legacy torch = magic, protocol, sys_info, the model pickle, the storage-key list,
 * then raw storage bytes that no loader unpickles: parsing stops after those five pickles.
 */
export const pickleScanner: FormatScanner = {
  name: 'pickle',
  canHandle(head) {
    return sniffPickle(head);
  },
  async scan(input, ctx) {
    const head = await input.read(0, Math.min(input.size, 11 + LEGACY_TORCH_MAGIC.length));
    const legacy = isLegacyTorch(head);
    const res = await scanPickleStream(input, ctx, legacy ? { maxStreams: 5 } : {});
    if (legacy) ctx.setFormat?.('pytorch-legacy');
    else if (res.joblib) ctx.setFormat?.('joblib');
    return res.findings;
  },
};
