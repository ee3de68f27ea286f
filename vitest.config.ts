import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';
import { compilerOptions } from './tsconfig.base.json';

/**
 * Path aliases come from tsconfig.base.json so tests import libraries exactly as the apps do. Vite takes the first
 * alias whose name is a prefix of the import, so longer names (`@modelguard/gateway-feature/testing`) go first.
 */
const alias = Object.fromEntries(
  Object.entries(compilerOptions.paths)
    .sort(([a], [b]) => b.length - a.length)
    .map(([name, [target]]) => [name, resolve(__dirname, target)]),
);

const common = { alias, environment: 'node' as const, testTimeout: 30_000, hookTimeout: 120_000 };

/**
 * Test tiers (run in this order by scripts/test.sh):
 *  - unit:        *.spec.ts        no infrastructure
 *  - integration: *.int-spec.ts    real Postgres, Redis, Kafka, S3 (started by scripts/test.sh)
 *  - e2e:         tests/**\/*.e2e-spec.ts  whole services, embedded and multi-process over Kafka
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...common,
          name: 'unit',
          include: ['libs/**/*.spec.ts', 'apps/**/*.spec.ts', 'tests/contract/**/*.spec.ts'],
          // Workers keep their module cache from file to file (see integration below): 212 s -> 69-137 s.
          isolate: false,
        },
      },
      {
        test: {
          ...common,
          name: 'integration',
          include: ['libs/**/*.int-spec.ts', 'apps/**/*.int-spec.ts', 'tests/integration/**/*.int-spec.ts'],
          fileParallelism: false,
          // One worker process for all files, its module cache reused: a fresh worker per file spent about 4 s
          // importing NestJS, TypeORM, kafkajs and the AWS SDK again (367 s of a 1,260 s tier; 28 s without).
          // Files already clean up what they start (schemas, topics, apps), which this relies on.
          isolate: false,
        },
      },
      {
        test: {
          ...common,
          name: 'e2e',
          include: ['tests/e2e/**/*.e2e-spec.ts', 'tests/e2e-kafka/**/*.e2e-spec.ts'],
          fileParallelism: false,
          // As for integration: one worker keeps its module cache from file to file. A fresh worker per file cost 57 s
          // of imports in a 361 s tier (fresh clone, 7 December); 10 s without. Files stop what they start.
          isolate: false,
          testTimeout: 120_000,
        },
      },
    ],
  },
});
