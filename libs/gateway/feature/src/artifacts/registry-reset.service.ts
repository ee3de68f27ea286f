import { Topic } from '@modelguard/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { RequestActor } from '../auth/actor';
import { UsersService } from '../auth/users.service';
import { ArtifactEntity } from '../persistence/artifact.entity';
import { DownloadEntity } from '../persistence/download.entity';
import { GATEWAY_OUTBOX, type EventOutbox } from '../ports/event-outbox.port';

/**
 * DELETE /reset: empty registry plus the default admin, and RegistryReset for the other services — one transaction.
 * Blobs are left to the orphan janitor (janitor/), which removes them once nothing references them and the grace
 * period has passed; the outbox keeps unsent events.
 */
@Injectable()
export class RegistryResetService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersService,
    @Inject(GATEWAY_OUTBOX) private readonly outbox: EventOutbox,
  ) {}

  async reset(actor: RequestActor): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      // Versions go with their artifact (ON DELETE CASCADE).
      await m.createQueryBuilder().delete().from(ArtifactEntity).execute();
      await m.createQueryBuilder().delete().from(DownloadEntity).execute();
      // Every account but the default admin goes, and every token but the default admin's is revoked.
      await this.users.resetToDefaultAdmin(m);
      await this.outbox.enqueue(
        m,
        Topic.RegistryReset,
        { actor: { name: actor.name, isAdmin: actor.isAdmin }, resetAt: new Date().toISOString() },
        { key: 'registry' },
      );
    });
  }
}
