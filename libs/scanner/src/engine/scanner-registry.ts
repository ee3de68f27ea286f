import type { FormatScanner, ScanOptions } from '../core/types';
import { zipScanner } from '../formats/archive/zip-scanner';
import { tarScanner } from '../formats/archive/tar-scanner';
import { EXTRA_SCANNERS } from '../formats/extra';
import { gzipScanner, otherCompressedScanner, sevenZipScanner } from '../formats/misc/container-scanners';
import { textScanner } from '../formats/misc/text-scanner';
import { npyScanner } from '../formats/numpy/npy-scanner';
import { pickleScanner } from '../formats/pickle/pickle-scanner';
import { loadPlugins } from './plugins';

/** Pickles that start with PROTO are unambiguous and must win over looser sniffers (protobuf, text). */
const protoPickleScanner: FormatScanner = {
  ...pickleScanner,
  canHandle: (head, input) => head.length >= 2 && head[0] === 0x80 && head[1] <= 5 && pickleScanner.canHandle(head, input),
};

/**
 * Detection order = trust order of the evidence: plugins (explicitly configured), unambiguous magic bytes,
 * PROTO pickles, the other engineer's formats (Keras, ONNX, safetensors, GGUF, …), zips (including zips found
 * only from their end record), text-protocol pickles, and text last. Extensions play no part.
 */
export function scannersFor(options: ScanOptions): FormatScanner[] {
  return [
    ...loadPlugins(options.plugins),
    sevenZipScanner,
    otherCompressedScanner,
    gzipScanner,
    npyScanner,
    tarScanner,
    protoPickleScanner,
    ...EXTRA_SCANNERS,
    zipScanner,
    pickleScanner,
    textScanner,
  ];
}
