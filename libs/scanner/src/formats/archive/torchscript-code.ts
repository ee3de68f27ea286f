import type { Finding } from '../../core/types';

/**
 * TorchScript archives carry Python-like source (code/**.py) that `torch.jit.load` compiles. TorchScript can
 * only call torch ops, so anything reaching for Python builtins, the OS or custom operator namespaces is
 * either an exploit attempt or a dependency on native code shipped elsewhere.
 */
const DANGEROUS = [
  { re: /\b__import__\b|\bimportlib\b/, what: 'dynamic import' },
  { re: /\b(os|posix|nt|subprocess|sys|shutil|socket|pty)\s*\.\s*\w+/, what: 'OS module access' },
  { re: /\b(eval|exec|compile|execfile|getattr|open)\s*\(/, what: 'Python execution/I-O builtin' },
  { re: /\btorch\.ops\.aten\.(system|popen|exec\w*)\b/, what: 'non-existent aten op used as a shell' },
  { re: /\bbuiltins\b|__builtins__|__globals__|__subclasses__/, what: 'builtins traversal' },
];
const KNOWN_OP_NAMESPACES = new Set(['aten', 'prim', 'quantized', '_quantized', 'profiler', 'torchvision', 'image', '_caffe2', 'fbgemm', 'sparse', 'rngprims', 'higher_order']);

export function scanTorchScriptCode(file: string, source: string): Finding[] {
  const out: Finding[] = [];
  const lines = source.split('\n');
  let offset = 0;
  for (const [i, line] of lines.entries()) {
    for (const d of DANGEROUS) {
      const m = d.re.exec(line);
      if (m) out.push({ ruleId: 'torchscript.dangerous-code', severity: 'CRITICAL', message: `line ${i + 1}: ${d.what}: ${m[0]}`, location: { file, offset: offset + m.index } });
    }
    for (const m of line.matchAll(/\btorch\.ops\.([A-Za-z_]\w*)\./g)) {
      if (!KNOWN_OP_NAMESPACES.has(m[1])) {
        out.push({ ruleId: 'torchscript.custom-op', severity: 'WARNING', message: `line ${i + 1}: custom operator namespace torch.ops.${m[1]} (native code outside the model)`, location: { file, offset: offset + (m.index ?? 0) } });
      }
    }
    offset += Buffer.byteLength(line) + 1;
    if (out.length > 200) break;
  }
  return out;
}
