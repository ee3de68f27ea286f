import { z } from 'zod';
import { ArtifactCreatedV1, ArtifactDeletedV1, ArtifactDownloadedV1, ArtifactUpdatedV1, RegistryResetV1 } from './registry/artifact-events.v1';
import { IngestFailedV1, IngestRequestedV1, PackageStoredV1 } from './ingest/ingest-events.v1';
import { ScanCompletedV1, ScanFailedV1 } from './scan/scan-events.v1';

/**
 * Every topic: `<producer-domain>.<event-in-past-tense>.v<major>`. Derived topics: `<topic>.dlt`.
 * A released version is frozen; a breaking change gets a new `.vN+1` topic.
 */
export const Topic = {
  /** gateway → audit, ingest (metadata-only artifacts) */
  ArtifactCreated: 'registry.artifact-created.v1',
  /** gateway → audit */
  ArtifactUpdated: 'registry.artifact-updated.v1',
  /** gateway → audit */
  ArtifactDeleted: 'registry.artifact-deleted.v1',
  /** gateway → audit */
  ArtifactDownloaded: 'registry.artifact-downloaded.v1',
  /** gateway → audit, scan, ingest (drop read models) */
  RegistryReset: 'registry.registry-reset.v1',
  /** gateway → ingest */
  IngestRequested: 'registry.ingest-requested.v1',
  /** ingest, gateway → gateway, scan, scoring, lineage */
  PackageStored: 'ingest.package-stored.v1',
  /** ingest → gateway */
  IngestFailed: 'ingest.ingest-failed.v1',
  /** scan → gateway */
  ScanCompleted: 'scan.scan-completed.v1',
  /** scan → gateway */
  ScanFailed: 'scan.scan-failed.v1',
} as const;

export type TopicName = (typeof Topic)[keyof typeof Topic];

export const TopicSchemas = {
  [Topic.ArtifactCreated]: ArtifactCreatedV1,
  [Topic.ArtifactUpdated]: ArtifactUpdatedV1,
  [Topic.ArtifactDeleted]: ArtifactDeletedV1,
  [Topic.ArtifactDownloaded]: ArtifactDownloadedV1,
  [Topic.RegistryReset]: RegistryResetV1,
  [Topic.IngestRequested]: IngestRequestedV1,
  [Topic.PackageStored]: PackageStoredV1,
  [Topic.IngestFailed]: IngestFailedV1,
  [Topic.ScanCompleted]: ScanCompletedV1,
  [Topic.ScanFailed]: ScanFailedV1,
} as const satisfies Record<TopicName, z.ZodType>;

/** The payload type of a topic: publishing the wrong payload for a topic fails to compile. */
export type PayloadOf<T extends TopicName> = z.infer<(typeof TopicSchemas)[T]>;

export const ALL_TOPICS: readonly TopicName[] = Object.values(Topic);

/** The dead-letter topic of a topic. */
export function dltTopicOf(topic: string): string {
  return `${topic}.dlt`;
}

export function isTopicName(value: string): value is TopicName {
  return (ALL_TOPICS as readonly string[]).includes(value);
}

/** Major version encoded in the topic name (`.v1` → 1). */
export function schemaVersionOf(topic: TopicName): number {
  const match = /\.v(\d+)$/.exec(topic);
  return match ? Number(match[1]) : 1;
}
