import { z } from 'zod';
import { defineEvent } from '../../catalogue/event-contract';
import { ActorSchema } from '../../common';

/** The registry was reset to empty. Producer: gateway. Consumers: audit, ingest, scan, scoring, lineage (each drops its read model). */
export const RegistryResetV1 = z.object({ actor: ActorSchema, resetAt: z.string().datetime({ offset: true }) });
export type RegistryResetV1 = z.infer<typeof RegistryResetV1>;

export const RegistryResetEvent = defineEvent({
  name: 'RegistryReset',
  topic: 'registry.registry-reset.v1',
  schema: RegistryResetV1,
  summary: 'the registry was reset to empty',
  producers: ['gateway'],
  consumers: ['audit', 'ingest', 'scan', 'scoring', 'lineage'],
});
