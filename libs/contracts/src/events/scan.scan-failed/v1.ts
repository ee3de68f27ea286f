import { z } from 'zod';
import { defineEvent } from '../../catalogue/event-contract';
import { ArtifactRefSchema } from '../../common';

/** A package version could not be scanned (blocks the download). Producer: scan. Consumer: gateway. */
export const ScanFailedV1 = ArtifactRefSchema.extend({ version: z.string().min(1), reason: z.string().min(1) });
export type ScanFailedV1 = z.infer<typeof ScanFailedV1>;

export const ScanFailedEvent = defineEvent({
  name: 'ScanFailed',
  topic: 'scan.scan-failed.v1',
  schema: ScanFailedV1,
  summary: 'a package version could not be scanned',
  producers: ['scan'],
  consumers: ['gateway'],
});
