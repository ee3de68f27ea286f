import { z } from 'zod';
import { defineEvent } from '../../catalogue/event-contract';
import { ActorSchema } from '../../common';

/** The most entries the allow-list holds: it is a reviewed list of exact callables, not a way to switch scanning off. */
export const SCANNER_POLICY_MAX_IMPORTS = 500;
export const SCANNER_IMPORT_MAX_LENGTH = 200;

/**
 * One allowed pickle import, `module.name` exactly as a pickle's GLOBAL names it: ASCII identifiers joined by dots,
 * at least two of them. No wildcard can be written: the scanner never allows by prefix (a package can re-export a
 * gadget under its own name).
 */
export const ScannerImportSchema = z
  .string()
  .max(SCANNER_IMPORT_MAX_LENGTH)
  .regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$/);

/**
 * The registry admin's scanner policy changed. Producer: gateway (through its outbox, in the change's own
 * transaction). Consumer: scan (keeps the highest version in its own table and applies it to scans started after
 * it). Carries the whole allow-list, never a diff, so a consumer that missed an event converges on the next one;
 * `version` grows by one per change, so a redelivered or reordered older event is recognised and ignored.
 */
export const ScannerPolicyChangedV1 = z.object({
  version: z.number().int().positive(),
  /** Sorted, without duplicates: imports the scanner does not know that scans treat as reviewed and safe. */
  allowedImports: z.array(ScannerImportSchema).max(SCANNER_POLICY_MAX_IMPORTS),
  actor: ActorSchema,
  changedAt: z.string().datetime({ offset: true }),
});
export type ScannerPolicyChangedV1 = z.infer<typeof ScannerPolicyChangedV1>;

export const ScannerPolicyChangedEvent = defineEvent({
  name: 'ScannerPolicyChanged',
  topic: 'registry.scanner-policy-changed.v1',
  schema: ScannerPolicyChangedV1,
  summary: "the registry admin's allow-list of pickle imports the scanner does not know changed",
  producers: ['gateway'],
  consumers: ['scan'],
});
