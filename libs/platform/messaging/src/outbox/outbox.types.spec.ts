import { Topic } from '@modelguard/contracts';
import type { EntityManager } from 'typeorm';
import { describe, expect, it } from 'vitest';
import type { Outbox } from './outbox';

/**
 * Compile-time contract, checked by `tsc -p tsconfig.json` (which includes spec files): an unused
 * @ts-expect-error is itself an error, so these lines fail the type check if a wrong payload compiles.
 */
function typeContract(outbox: Outbox, manager: EntityManager): void {
  const actor = { name: 'a', isAdmin: false };
  void outbox.enqueue(manager, Topic.ArtifactDeleted, { artifactId: 'x', artifactType: 'model', name: 'n', actor }, { key: 'x' });
  // @ts-expect-error: an ArtifactDeleted payload is not a RegistryReset payload
  void outbox.enqueue(manager, Topic.RegistryReset, { artifactId: 'x', artifactType: 'model', name: 'n', actor }, { key: 'x' });
  // @ts-expect-error: artifactType must be one of the contract's literals
  void outbox.enqueue(manager, Topic.ArtifactDeleted, { artifactId: 'x', artifactType: 'spreadsheet', name: 'n', actor }, { key: 'x' });
  // @ts-expect-error: the partition key is mandatory
  void outbox.enqueue(manager, Topic.ArtifactDeleted, { artifactId: 'x', artifactType: 'model', name: 'n', actor }, {});
}

describe('Outbox.enqueue typing', () => {
  it('is enforced by the compiler (see typeContract)', () => {
    expect(typeof typeContract).toBe('function');
  });
});
