import { runPool } from '@modelguard/loadgen';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { RequestActor } from '../auth/actor';
import { ArtifactService } from '../artifacts/artifact.service';
import { ArtifactEntity } from '../persistence/artifact.entity';

const TYPES = ['model', 'dataset', 'code'] as const;
/** Few at once: seeding shares the database with whatever the registry is serving meanwhile. */
const SEED_CONCURRENCY = 4;

/**
 * Grows the registry to a target size with metadata-only artifacts, through the same create path as
 * `POST /artifact/{type}` (transaction, outbox, ingest), as the benchmark's seeding does: a source host that is
 * neither Hugging Face nor GitHub, so ingest stores the metadata without downloading anything.
 */
@Injectable()
export class RegistrySeeder {
  constructor(
    private readonly dataSource: DataSource,
    private readonly artifacts: ArtifactService,
  ) {}

  count(): Promise<number> {
    return this.dataSource.getRepository(ArtifactEntity).count();
  }

  /** Creates artifacts until there are `target`; returns how many it created. `tag` keeps names and URLs unique. */
  async seedUpTo(target: number, actor: RequestActor, tag: string, onCreated: (n: number) => void): Promise<number> {
    const missing = Math.max(0, target - (await this.count()));
    let created = 0;
    await runPool(missing, SEED_CONCURRENCY, async (i) => {
      const name = `perf-seed-${tag}-${String(i).padStart(4, '0')}`;
      await this.artifacts.create(TYPES[i % TYPES.length], { name, url: `https://models.example.com/modelguard-perf-seed/${tag}/${i}` }, actor);
      onCreated(++created);
    });
    return created;
  }
}
