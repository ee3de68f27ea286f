import { type Logger, SERVICE_LOGGER } from '@modelguard/observability';
import { Inject, Injectable } from '@nestjs/common';
import { GATEWAY_COUNTER_CACHE, type CounterCache } from '../ports/counter-cache.port';
import type { HfKind } from './hf-paths';

/**
 * How long the mirror remembers that the upstream has no such repo. Short: a repo created upstream a moment later
 * is mirrored within a minute; long enough that a client retrying a typo (or a script probing names) asks the
 * upstream once, not once per request, and does not create and drop an artifact each time.
 */
export const HF_MISS_TTL_SECONDS = 60;

/**
 * The pull-through's negative cache: Hub repos the upstream answered "not found" for. Kept in the shared cache
 * (Redis when distributed, so every replica skips the upstream; the bounded in-process LRU when embedded), every
 * entry expiring after HF_MISS_TTL_SECONDS, so its size is bounded by the rate of distinct misses times the TTL.
 * Keys are short by construction (hf-paths.ts caps each id part at 96 characters). A cache outage only costs the
 * shortcut: lookups then go upstream as before.
 */
@Injectable()
export class HfMissCache {
  private readonly logger: Logger;

  constructor(
    @Inject(GATEWAY_COUNTER_CACHE) private readonly cache: CounterCache,
    @Inject(SERVICE_LOGGER) logger: Logger,
  ) {
    this.logger = logger.child({ context: 'HfMissCache' });
  }

  async isMissing(kind: HfKind, repo: string): Promise<boolean> {
    try {
      return (await this.cache.get(keyOf(kind, repo))) !== null;
    } catch (error) {
      this.logger.warn(`negative cache unavailable, asking the upstream: ${(error as Error).message}`);
      return false;
    }
  }

  async rememberMissing(kind: HfKind, repo: string): Promise<void> {
    try {
      await this.cache.set(keyOf(kind, repo), '1', HF_MISS_TTL_SECONDS);
    } catch (error) {
      this.logger.warn(`negative cache unavailable, not remembering ${kind} ${repo}: ${(error as Error).message}`);
    }
  }
}

/** The Hub treats repo ids case-insensitively, so one miss covers every spelling. */
function keyOf(kind: HfKind, repo: string): string {
  return `gateway:hf-miss:${kind}:${repo.toLowerCase()}`;
}
