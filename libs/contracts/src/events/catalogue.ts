import { IngestFailedEvent } from './ingest.ingest-failed/v1';
import { PackageStoredEvent } from './ingest.package-stored/v1';
import { PackageStoredV2Event } from './ingest.package-stored/v2';
import { ArtifactCreatedEvent } from './registry.artifact-created/v1';
import { ArtifactDeletedEvent } from './registry.artifact-deleted/v1';
import { ArtifactDownloadedEvent } from './registry.artifact-downloaded/v1';
import { ArtifactUpdatedEvent } from './registry.artifact-updated/v1';
import { ArtifactsSearchedEvent } from './registry.artifacts-searched/v1';
import { ArtifactsSearchedV2Event } from './registry.artifacts-searched/v2';
import { IngestRequestedEvent } from './registry.ingest-requested/v1';
import { PackageUploadedEvent } from './registry.package-uploaded/v1';
import { PackageUploadedV2Event } from './registry.package-uploaded/v2';
import { RegistryResetEvent } from './registry.registry-reset/v1';
import { SensitivityChangedEvent } from './registry.sensitivity-changed/v1';
import { AliasMovedEvent } from './registry.alias-moved/v1';
import { ScannerPolicyChangedEvent } from './registry.scanner-policy-changed/v1';
import { ScanCompletedEvent } from './scan.scan-completed/v1';
import { ScanFailedEvent } from './scan.scan-failed/v1';
import { RatingComputedEvent } from './scoring.rating-computed/v1';
import { LineageChangedEvent } from './lineage.lineage-changed/v1';
import { RequestRefusedEvent } from './gateway.request-refused/v1';
import { SecurityEventEvent } from './gateway.security-event/v1';
import { AuditCheckpointPublishedEvent } from './audit.checkpoint-published/v1';
import { AuditEntryAppendedEvent } from './audit.entry-appended/v1';

/**
 * Every event of the registry, one contract per topic (`src/events/<topic>/v<major>.ts`, JSON Schema snapshot
 * next to it). The Topic map, TopicSchemas and the architecture page are generated from this list.
 */
export const EVENT_CATALOGUE = [
  ArtifactCreatedEvent,
  ArtifactUpdatedEvent,
  ArtifactDeletedEvent,
  ArtifactDownloadedEvent,
  ArtifactsSearchedEvent,
  ArtifactsSearchedV2Event,
  RegistryResetEvent,
  SensitivityChangedEvent,
  AliasMovedEvent,
  ScannerPolicyChangedEvent,
  IngestRequestedEvent,
  PackageStoredEvent,
  PackageStoredV2Event,
  PackageUploadedEvent,
  PackageUploadedV2Event,
  IngestFailedEvent,
  ScanCompletedEvent,
  ScanFailedEvent,
  RatingComputedEvent,
  LineageChangedEvent,
  RequestRefusedEvent,
  SecurityEventEvent,
  AuditCheckpointPublishedEvent,
  AuditEntryAppendedEvent,
] as const;

export type CataloguedEvent = (typeof EVENT_CATALOGUE)[number];
