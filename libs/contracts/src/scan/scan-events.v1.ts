import { z } from 'zod';
import { ArtifactRefSchema } from '../common';

export const ScanVerdictSchema = z.enum(['clean', 'flagged', 'blocked']);
export type ScanVerdict = z.infer<typeof ScanVerdictSchema>;

/** A package version was scanned. Producer: scan; consumer: gateway (download gate). */
export const ScanCompletedV1 = ArtifactRefSchema.extend({
  version: z.string().min(1),
  verdict: ScanVerdictSchema,
  reportId: z.string().min(1),
  findingCounts: z.object({
    info: z.number().int().nonnegative(),
    warning: z.number().int().nonnegative(),
    error: z.number().int().nonnegative(),
    critical: z.number().int().nonnegative(),
  }),
});
export type ScanCompletedV1 = z.infer<typeof ScanCompletedV1>;

/** A package version could not be scanned (blocks the download). Producer: scan; consumer: gateway. */
export const ScanFailedV1 = ArtifactRefSchema.extend({ version: z.string().min(1), reason: z.string().min(1) });
export type ScanFailedV1 = z.infer<typeof ScanFailedV1>;
