import { SIZE_SCORE_TARGETS, type SizeScore, type SizeScoreTarget } from '@modelguard/domain';
import type { MetricContext } from './metric-context';
import { fellBack, type MetricFinding, round2, scored } from './metric-finding';
import { weightFootprint } from './weight-footprint';

/**
 * size_score: how well the model fits each device, from the bytes it must load (weight-footprint.ts) and its
 * precision. Per device, score = 1 / (1 + (footprint / midpoint)^steepness): 1 for small models, 0.5 at the
 * midpoint, falling as fast as the device's memory cliff. Budgets (decimal MB):
 *   raspberry_pi  midpoint   330 MB, steepness 5    CPU only, 1-8 GB shared with the OS: a sharp cliff
 *   jetson_nano   midpoint   400 MB, steepness 3.5  4 GB shared by CPU and GPU
 *   desktop_pc    midpoint 3 000 MB, steepness 1.5  16-32 GB RAM, a consumer GPU; degrades gently
 *   aws_server    midpoint 60 000 MB, steepness 2   large instances with 80 GB-class accelerators
 * Precision: a device without native support for the stored dtype upcasts it to float32, which doubles the memory
 * (bfloat16 on the Pi and the Nano, float16 on the Pi's CPU). The dtype is the file name's marker, else
 * config.json's torch_dtype, else float32 (transformers' default). Fallback: no weight files (a metadata-only model)
 * gives 0.5 on every device, flagged as fallback.
 */

const BUDGETS: Record<SizeScoreTarget, { midpointMB: number; steepness: number; upcasts: readonly string[] }> = {
  raspberry_pi: { midpointMB: 330, steepness: 5, upcasts: ['bfloat16', 'float16'] },
  jetson_nano: { midpointMB: 400, steepness: 3.5, upcasts: ['bfloat16'] },
  desktop_pc: { midpointMB: 3_000, steepness: 1.5, upcasts: [] },
  aws_server: { midpointMB: 60_000, steepness: 2, upcasts: [] },
};

const DTYPE_ALIASES: Record<string, string> = { fp16: 'float16', f16: 'float16', half: 'float16', bf16: 'bfloat16', fp32: 'float32', f32: 'float32', float: 'float32' };

export function sizeScore({ evidence }: MetricContext): MetricFinding<SizeScore> {
  const footprint = weightFootprint(evidence.files);
  if (!footprint) {
    const neutral = Object.fromEntries(SIZE_SCORE_TARGETS.map((t) => [t, 0.5])) as SizeScore;
    return fellBack(neutral, 'no weight files in the package: size unknown, neutral 0.5 per device');
  }
  const dtype = normaliseDtype(footprint.fileDtype ?? evidence.metadata.config?.torch_dtype);
  const score = {} as SizeScore;
  for (const target of SIZE_SCORE_TARGETS) {
    const budget = BUDGETS[target];
    const megabytes = (footprint.bytes / 1e6) * (budget.upcasts.includes(dtype) ? 2 : 1);
    score[target] = round2(1 / (1 + Math.pow(megabytes / budget.midpointMB, budget.steepness)));
  }
  const mb = Math.round(footprint.bytes / 1e6);
  return scored(score, `${mb} MB of ${footprint.format} weights in ${footprint.files} file(s), ${dtype}`);
}

function normaliseDtype(value: string | undefined): string {
  const key = value?.trim().toLowerCase().replace(/^torch\./, '') ?? '';
  if (key === '' || key === 'auto') return 'float32';
  return DTYPE_ALIASES[key] ?? key;
}
