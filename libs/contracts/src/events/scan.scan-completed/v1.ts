import { SCAN_VERDICTS } from '@modelguard/domain';
import { z } from 'zod';
import { defineEvent } from '../../catalogue/event-contract';
import { ArtifactRefSchema } from '../../common';

export const ScanVerdictSchema = z.enum(SCAN_VERDICTS);
export type ScanVerdict = z.infer<typeof ScanVerdictSchema>;

/** A package version was scanned. Producer: scan. Consumer: gateway (download gate). */
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

export const ScanCompletedEvent = defineEvent({
  name: 'ScanCompleted',
  topic: 'scan.scan-completed.v1',
  schema: ScanCompletedV1,
  summary: 'a package version was scanned (verdict)',
  producers: ['scan'],
  consumers: ['gateway'],
});
