import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';

/**
 * Test models generated with python3's own pickle module, so the bytes are exactly what an attacker's
 * torch.save / pickle.dumps would produce. The scripts only ever call pickle.dumps: nothing is loaded.
 */
function python(script: string): Buffer {
  return execFileSync('python3', ['-c', script], { maxBuffer: 16 * 1024 * 1024 });
}

/** A pickle whose unpickling would run `os.system('echo pwned')`. */
export function maliciousPickle(): Buffer {
  return python(
    [
      'import os, pickle, sys',
      'class Payload:',
      '    def __reduce__(self):',
      "        return (os.system, ('echo pwned',))",
      'sys.stdout.buffer.write(pickle.dumps(Payload(), protocol=2))',
    ].join('\n'),
  );
}

/**
 * A multi-megabyte pickle whose dangerous global sits after `padBytes` of tensor-like data, so a scanner has
 * to read far into the blob (across many ranged reads) to find it.
 */
export function largeMaliciousPickle(padBytes: number): Buffer {
  return python(
    [
      'import os, pickle, sys',
      'class Payload:',
      '    def __reduce__(self):',
      "        return (os.system, ('echo pwned',))",
      `sys.stdout.buffer.write(pickle.dumps([b'\\x00' * ${Math.trunc(padBytes)}, Payload()], protocol=4))`,
    ].join('\n'),
  );
}

/** A plain state-dict-like pickle: only dicts, lists, floats and strings. */
export function benignPickle(): Buffer {
  return python(
    [
      'import pickle, sys',
      "state = {'layer1.weight': [0.1, 0.2, 0.3], 'layer1.bias': [0.0], 'meta': {'epochs': 3, 'name': 'tiny'}}",
      'sys.stdout.buffer.write(pickle.dumps(state, protocol=4))',
    ].join('\n'),
  );
}

export function sha256Of(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}
