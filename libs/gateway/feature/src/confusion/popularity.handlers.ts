import { Topic, type Envelope, type PayloadOf } from '@modelguard/contracts';
import { OnEvent, type EventContext } from '@modelguard/messaging';
import { qualifiedTable } from '@modelguard/persistence';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** Downloads kept per artifact in the rolling traffic record (the traffic signals look at no more). */
export const TRAFFIC_WINDOW = 1000;
/** The record is trimmed once every this many downloads, not on each: the delete is the costly statement. */
const TRIM_EVERY = 50;

/**
 * Feeds the package-confusion audit from events, never from the request path: search appearances (ArtifactsSearched
 * v2: counts per window) and downloads (ArtifactDownloaded) per artifact, plus a rolling record of recent downloads.
 * ctx.manager is the delivery's transaction with the inbox row, so each event is counted exactly once. Events for
 * an artifact that no longer exists (deleted, or a registry reset in between) are dropped by the SQL itself.
 */
@Injectable()
export class PopularityHandlers {
  /** Appearances per artifact over one gateway's window: one upsert for the whole window. */
  @OnEvent(Topic.ArtifactsSearchedV2)
  async onSearchCounts(event: Envelope<PayloadOf<typeof Topic.ArtifactsSearchedV2>>, ctx: EventContext): Promise<void> {
    const { appearances } = event.payload;
    await addSearchAppearances(ctx.manager, appearances.map((a) => a.artifactId), appearances.map((a) => a.count));
  }

  /** v1, one event per search: no longer published, drained here after an upgrade. */
  @OnEvent(Topic.ArtifactsSearched)
  async onSearched(event: Envelope<PayloadOf<typeof Topic.ArtifactsSearched>>, ctx: EventContext): Promise<void> {
    const ids = [...new Set(event.payload.artifactIds)];
    await addSearchAppearances(ctx.manager, ids, ids.map(() => 1));
  }

  @OnEvent(Topic.ArtifactDownloaded)
  async onDownloaded(event: Envelope<PayloadOf<typeof Topic.ArtifactDownloaded>>, ctx: EventContext): Promise<void> {
    const p = event.payload;
    const counted: { downloads: string }[] = await ctx.manager.query(
      `INSERT INTO ${qualifiedTable(ctx.manager, 'artifact_popularity')} AS p (artifact_id, downloads)
       SELECT id, 1 FROM ${qualifiedTable(ctx.manager, 'artifacts')} WHERE id = $1
       ON CONFLICT (artifact_id) DO UPDATE SET downloads = p.downloads + 1
       RETURNING downloads`,
      [p.artifactId],
    );
    const downloads = counted[0]?.downloads;
    if (downloads === undefined) return; // the artifact is gone
    // The time the download happened at the gateway, not when this consumer got round to it.
    await ctx.manager.query(
      `INSERT INTO ${qualifiedTable(ctx.manager, 'download_traffic')} (artifact_id, at, actor, client_address) VALUES ($1, $2, $3, $4)`,
      [p.artifactId, event.occurredAt, p.actor.name, p.clientAddress ?? null],
    );
    if (Number(downloads) % TRIM_EVERY === 0) await trimTraffic(ctx.manager, p.artifactId);
  }
}

/** Adds counts[i] search appearances to ids[i] (ids distinct); artifacts that no longer exist are skipped. */
async function addSearchAppearances(manager: EntityManager, ids: string[], counts: number[]): Promise<void> {
  await manager.query(
    `INSERT INTO ${qualifiedTable(manager, 'artifact_popularity')} AS p (artifact_id, search_appearances)
     SELECT a.id, c.appearances FROM unnest($1::varchar[], $2::bigint[]) AS c(id, appearances)
     JOIN ${qualifiedTable(manager, 'artifacts')} a ON a.id = c.id
     ON CONFLICT (artifact_id) DO UPDATE SET search_appearances = p.search_appearances + EXCLUDED.search_appearances`,
    [ids, counts],
  );
}

/** Keeps the newest TRAFFIC_WINDOW downloads of an artifact (by time: redeliveries may arrive out of order). */
async function trimTraffic(manager: EntityManager, artifactId: string): Promise<void> {
  const table = qualifiedTable(manager, 'download_traffic');
  await manager.query(
    `DELETE FROM ${table} WHERE artifact_id = $1 AND id IN (
       SELECT id FROM ${table} WHERE artifact_id = $1 ORDER BY at DESC, id DESC OFFSET $2)`,
    [artifactId, TRAFFIC_WINDOW],
  );
}
