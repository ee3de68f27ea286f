import { FINDING_SEVERITIES, SHA256_HEX_PATTERN } from '@modelguard/domain';
import { z } from 'zod';
import { defineQuery } from '../../catalogue/query-contract';
import { ArtifactIdSchema, ArtifactTypeSchema } from '../../common';
import { ScanVerdictSchema } from '../../events/scan.scan-completed/v1';

/** A version string as PackageStored carries it, bounded so a hostile query string cannot bloat the lookup. */
export const ScanReportVersionSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.+_-]{0,127}$/);

/** The scanner's per-file verdict (finer than the registry's clean/flagged/blocked). */
export const ScannerVerdictSchema = z.enum(['clean', 'suspicious', 'malicious', 'unscannable']);

export const ScanFindingSchema = z.object({
  ruleId: z.string().min(1),
  severity: z.enum(['INFO', 'WARNING', 'ERROR', 'CRITICAL']),
  message: z.string(),
  location: z.object({ file: z.string(), offset: z.number().optional(), position: z.number().optional() }),
  details: z.record(z.string(), z.unknown()).optional(),
  unscannable: z.boolean().optional(),
});

export const ScannedFileSchema = z.object({
  path: z.string().min(1),
  sha256: z.string().regex(SHA256_HEX_PATTERN),
  size: z.number().int().nonnegative(),
  /** The detected format (`pickle`, `safetensors`, …); open-ended so a new scanner format is not a breaking change. */
  format: z.string().min(1).max(64),
  verdict: ScannerVerdictSchema,
  findings: z.array(ScanFindingSchema),
  durationMs: z.number().nonnegative(),
  /** The result came from the per-SHA-256 cache instead of a fresh scan. */
  cached: z.boolean(),
});

export const ScanReportV1 = z.object({
  reportId: z.string().min(1),
  artifactId: ArtifactIdSchema,
  artifactType: ArtifactTypeSchema,
  name: z.string().min(1),
  version: z.string().min(1),
  verdict: ScanVerdictSchema,
  scannerVerdict: ScannerVerdictSchema,
  findingCounts: z.object(Object.fromEntries(FINDING_SEVERITIES.map((s) => [s, z.number().int().nonnegative()])) as Record<(typeof FINDING_SEVERITIES)[number], z.ZodNumber>),
  fileCount: z.number().int().nonnegative(),
  cachedFileCount: z.number().int().nonnegative(),
  scanner: z.object({ version: z.string(), fingerprint: z.string() }),
  workerId: z.string(),
  startedAt: z.string().datetime({ offset: true }),
  finishedAt: z.string().datetime({ offset: true }),
  files: z.array(ScannedFileSchema).max(100_000),
  /**
   * The registry admin's scanner policy (registry.scanner-policy-changed.v1) the scan ran under: version 0 is the
   * built-in default (no allowed imports). Absent on reports stored before policies existed.
   */
  scannerPolicy: z.object({ version: z.number().int().nonnegative() }).optional(),
});
export type ScanReportV1 = z.infer<typeof ScanReportV1>;

/** The version is still queued or being scanned (HTTP 202). */
export const ScanPendingV1 = z.object({
  artifactId: ArtifactIdSchema,
  version: z.string().min(1),
  status: z.enum(['pending', 'running']),
});
export type ScanPendingV1 = z.infer<typeof ScanPendingV1>;

/**
 * The scan report of an artifact's latest stored version (or `?version=`). Server: scan. Caller: gateway
 * (`GET /artifacts/{type}/{id}/scan-report`). 404 when nothing is known or the scan failed, 400 on a malformed
 * id or version.
 */
export const ScanReportQuery = defineQuery({
  name: 'ScanReport',
  summary: 'scan report of a version',
  server: 'scan',
  callers: ['gateway'],
  status: 'live',
  method: 'GET',
  path: '/internal/artifacts/:id/scan-report',
  request: z.object({ id: ArtifactIdSchema, version: ScanReportVersionSchema.optional() }),
  responses: { 200: ScanReportV1, 202: ScanPendingV1 },
  maxResponseBytes: 5 * 1024 * 1024,
});
