import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';
import { compilerOptions } from './tsconfig.base.json';

/** Same path aliases as vitest.config.ts (longest name first, see there). */
const alias = Object.fromEntries(
  Object.entries(compilerOptions.paths)
    .sort(([a], [b]) => b.length - a.length)
    .map(([name, [target]]) => [name, resolve(__dirname, target)]),
);

/**
 * The resilience suite (tests/resilience, `npm run test:resilience` = scripts/test-resilience.sh): services as
 * separate processes on the three-broker cluster of tools/kafka/kafka-cluster.sh, with brokers and workers
 * killed on purpose. Deliberately not a project of vitest.config.ts, so `npm test` and .ci/run never run it.
 */
export default defineConfig({
  test: {
    name: 'resilience',
    alias,
    environment: 'node',
    include: ['tests/resilience/**/*.resilience-spec.ts'],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 180_000,
  },
});
