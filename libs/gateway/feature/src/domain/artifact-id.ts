import { randomUUID } from 'node:crypto';

/**
 * New artifact ids: a v4 UUID without dashes. 122 random bits make collisions under bursts negligible (timestamp ids
 * collided for other teams) and the result matches the spec's ^[a-zA-Z0-9\-]+$.
 */
export function newArtifactId(): string {
  return randomUUID().replace(/-/g, '');
}
