import type { z } from 'zod';
import type { ServiceName } from './service-name';

/**
 * One event of the catalogue: its topic, payload schema and who sends and receives it. `producers` and `consumers`
 * name only services whose code publishes / handles the topic today (tests/contract/catalogue-wiring.spec.ts
 * checks both against the code), so the catalogue and the architecture page never promise a consumer that is not
 * there yet.
 */
export interface EventContract<N extends string = string, T extends string = string, S extends z.ZodType = z.ZodType> {
  /** Key of the topic in the `Topic` map (`Topic.PackageStored`). */
  readonly name: N;
  /** `<producer-domain>.<event-in-past-tense>.v<major>`; a released version is frozen. */
  readonly topic: T;
  readonly schema: S;
  /** One line: what happened. */
  readonly summary: string;
  /**
   * The topic that replaced this one (a breaking change gets a new `.vN+1` topic). A superseded topic has no
   * producer any more; its consumers keep handling it so messages published before the upgrade are not lost.
   */
  readonly supersededBy?: string;
  readonly producers: readonly ServiceName[];
  readonly consumers: readonly ServiceName[];
}

/** Declares an event contract, keeping its literal name and topic in the type (the Topic map is built from them). */
export function defineEvent<const N extends string, const T extends string, S extends z.ZodType>(
  contract: EventContract<N, T, S>,
): EventContract<N, T, S> {
  return Object.freeze(contract);
}

/** The folder of a topic's contract under `src/events/`: the topic name without its `.v<major>` suffix. */
export function eventFolderOf(topic: string): string {
  return topic.replace(/\.v\d+$/, '');
}
