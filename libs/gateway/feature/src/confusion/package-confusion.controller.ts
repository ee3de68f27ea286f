import { Controller, Get, UseGuards } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RequirePermission } from '../auth/auth.decorators';
import { AuthGuard } from '../auth/auth.guard';
import { ArtifactEntity } from '../persistence/artifact.entity';
import { DownloadEntity } from '../persistence/download.entity';
import { auditPackageConfusion, type ConfusionFinding } from './confusion-audit';

/** The answer lists at most this many suspects (the highest scores): the audit is a triage list, not an export. */
export const CONFUSION_AUDIT_LIMIT = 100;

/**
 * `GET /artifacts/PackageConfusionAudit` (admin): artifacts whose names imitate a clearly more popular artifact of the
 * same type, scored and explained (src/confusion/confusion-audit.ts). Popularity is the registry's own download
 * count; the gateway keeps no upstream (Hugging Face) download figures. Anomalous download traffic is not audited yet.
 */
@Controller()
@UseGuards(AuthGuard)
@RequirePermission('admin')
export class PackageConfusionController {
  constructor(private readonly dataSource: DataSource) {}

  @Get('artifacts/PackageConfusionAudit')
  async audit(): Promise<ConfusionFinding[]> {
    // One grouped pass over downloads joined to artifacts (a correlated count per artifact would rescan downloads).
    const rows: { id: string; name: string; type: string; downloads: string }[] = await this.dataSource
      .getRepository(ArtifactEntity)
      .createQueryBuilder('a')
      .leftJoin(
        (sub) => sub.select('d.artifact_id', 'artifact_id').addSelect('COUNT(*)', 'downloads').from(DownloadEntity, 'd').groupBy('d.artifact_id'),
        'c',
        'c.artifact_id = a.id',
      )
      .select('a.id', 'id')
      .addSelect('a.name', 'name')
      .addSelect('a.type', 'type')
      .addSelect('COALESCE(c.downloads, 0)', 'downloads')
      .getRawMany();
    const artifacts = rows.map((row) => ({ id: row.id, name: row.name, type: row.type, downloads: Number(row.downloads) }));
    return auditPackageConfusion(artifacts, CONFUSION_AUDIT_LIMIT);
  }
}
