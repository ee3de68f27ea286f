import { qualifiedTable } from '@modelguard/persistence';
import { Controller, Get, UseGuards } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RequirePermission } from '../auth/auth.decorators';
import { AuthGuard } from '../auth/auth.guard';
import { auditConfusionAndTraffic, type ConfusionFinding } from './combined-audit';
import { analyzeTraffic, MIN_TRAFFIC_EVENTS, type TrafficAnomaly, type TrafficEvent } from './traffic-anomaly';

/** The answer lists at most this many suspects (the highest scores): the audit is a triage list, not an export. */
export const CONFUSION_AUDIT_LIMIT = 100;
/** Traffic is analysed for at most this many artifacts, the most recently downloaded: bounds one audit's reads. */
export const TRAFFIC_AUDITED = 200;
/** Artifacts analysed between yields to the event loop. */
const TRAFFIC_PER_SLICE = 20;

/**
 * `GET /artifacts/PackageConfusionAudit` (admin): artifacts whose names imitate a clearly more popular artifact of the
 * same type, and artifacts whose recent downloads look automated, scored and explained (combined-audit.ts). Every
 * figure comes from the event-fed read model (popularity.handlers.ts), never from the request path; the gateway keeps
 * no upstream (Hugging Face) download figures.
 */
@Controller()
@UseGuards(AuthGuard)
@RequirePermission('admin')
export class PackageConfusionController {
  constructor(private readonly dataSource: DataSource) {}

  @Get('artifacts/PackageConfusionAudit')
  async audit(): Promise<ConfusionFinding[]> {
    const rows: { id: string; name: string; type: string; downloads: string | null; searches: string | null }[] = await this.dataSource.query(
      `SELECT a.id, a.name, a.type, p.downloads, p.search_appearances AS searches
         FROM ${qualifiedTable(this.dataSource, 'artifacts')} a
         LEFT JOIN ${qualifiedTable(this.dataSource, 'artifact_popularity')} p ON p.artifact_id = a.id`,
    );
    const artifacts = rows.map((r) => ({ id: r.id, name: r.name, type: r.type, downloads: Number(r.downloads ?? 0), searches: Number(r.searches ?? 0) }));
    const downloads = new Map(artifacts.map((a) => [a.id, a.downloads]));
    return auditConfusionAndTraffic(artifacts, await this.trafficAnomalies(downloads), CONFUSION_AUDIT_LIMIT);
  }

  private async trafficAnomalies(downloads: ReadonlyMap<string, number>): Promise<Map<string, TrafficAnomaly>> {
    const table = qualifiedTable(this.dataSource, 'download_traffic');
    const rows: { artifact_id: string; at: Date; actor: string; client_address: string | null }[] = await this.dataSource.query(
      `SELECT t.artifact_id, t.at, t.actor, t.client_address FROM ${table} t
        WHERE t.artifact_id IN (SELECT artifact_id FROM ${table} GROUP BY artifact_id HAVING count(*) >= $1 ORDER BY max(at) DESC LIMIT $2)`,
      [MIN_TRAFFIC_EVENTS, TRAFFIC_AUDITED],
    );
    const byArtifact = new Map<string, TrafficEvent[]>();
    for (const r of rows) {
      const events = byArtifact.get(r.artifact_id) ?? [];
      events.push({ at: new Date(r.at).getTime(), actor: r.actor, address: r.client_address });
      byArtifact.set(r.artifact_id, events);
    }
    const anomalies = new Map<string, TrafficAnomaly>();
    let analysed = 0;
    for (const [id, events] of byArtifact) {
      if (++analysed % TRAFFIC_PER_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
      // Older downloads fell out of the rolling record when the counter holds more than the record.
      const anomaly = analyzeTraffic(events, (downloads.get(id) ?? 0) <= events.length);
      if (anomaly !== null) anomalies.set(id, anomaly);
    }
    return anomalies;
  }
}
