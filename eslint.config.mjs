// Lint rules that keep the house in order: module boundaries between services and layers, and the
// async pitfalls that lose messages in handlers (floating promises, misused promises).
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import { createProjectGraphAsync } from '@nx/devkit';

// The boundary rule reads Nx's cached project graph and, when there is none (a fresh clone), prints a warning and
// skips itself; with a stale one it misjudges files of projects the cache does not know yet. Computing the graph
// here makes every ESLint run (bare `eslint`, `npm run lint`, an editor) check boundaries against the current
// projects; if the graph cannot be computed, loading this config fails and so does the run.
await createProjectGraphAsync({ exitOnError: false });

const services = ['gateway', 'ingest', 'scan', 'scoring', 'lineage', 'audit'];
const infraClients = ['kafkajs', '@aws-sdk/*', 'ioredis'];

/**
 * Boundary rules; test files may additionally use the `type:testing` harness libraries. Nothing imports an app:
 * the embedded host that composes every service is a library (`type:composition`), used by its app and by tests.
 */
function boundaryOptions(allowTesting) {
  const testing = allowTesting ? ['type:testing'] : [];
  return {
    enforceBuildableLibDependency: true,
    allow: [],
    depConstraints: [
      { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
      ...services.map((s) => ({ sourceTag: `scope:${s}`, onlyDependOnLibsWithTags: [`scope:${s}`, 'scope:shared'] })),
      { sourceTag: 'scope:embedded', onlyDependOnLibsWithTags: ['*'] },
      { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:composition', 'type:feature', 'type:platform', 'type:contracts', ...testing] },
      { sourceTag: 'type:composition', onlyDependOnLibsWithTags: ['type:feature', 'type:platform', 'type:contracts', 'type:domain'] },
      {
        sourceTag: 'type:feature',
        onlyDependOnLibsWithTags: ['type:domain', 'type:contracts', 'type:platform', ...testing],
        bannedExternalImports: infraClients,
      },
      { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:platform', 'type:contracts', 'type:domain', ...testing] },
      {
        sourceTag: 'type:domain',
        onlyDependOnLibsWithTags: ['type:domain', ...testing],
        bannedExternalImports: ['@nestjs/*', 'typeorm', 'kafkajs', 'ioredis', '@aws-sdk/*', '@opentelemetry/*'],
      },
      {
        sourceTag: 'type:contracts',
        // Contracts derive their enums and patterns from the domain's constants, so the two cannot drift.
        onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', ...testing],
        bannedExternalImports: ['@nestjs/*', 'typeorm', 'kafkajs', 'ioredis', '@aws-sdk/*'],
      },
      { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['*'] },
      // tests/ (contract, integration, e2e across services) may use any library, through its public index.ts
      // or its test entry (`@modelguard/<lib>/testing`); nothing may import tests/.
      { sourceTag: 'scope:tests', onlyDependOnLibsWithTags: ['*'] },
      { sourceTag: 'type:tests', onlyDependOnLibsWithTags: ['*'] },
    ],
  };
}

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.nx/**', 'tools/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@nx/enforce-module-boundaries': ['error', boundaryOptions(false)],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-explicit-any': 'warn',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'max-lines': ['warn', { max: 300, skipBlankLines: true, skipComments: true }],
      // Test helpers never reach dist/: production code must not import the harness or a library's test entry.
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@modelguard/testing', '@modelguard/*/testing'], message: 'test-only code: import it from specs and test/ folders only' }] },
      ],
    },
  },
  {
    // Feature code logs through the injected SERVICE_LOGGER (@modelguard/observability). Nest's static Logger
    // is process-wide: in embedded mode it names whichever service booted last.
    files: ['libs/*/feature/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: '@nestjs/common', importNames: ['Logger', 'ConsoleLogger'], message: 'inject SERVICE_LOGGER from @modelguard/observability instead' }],
          patterns: [{ group: ['@modelguard/testing', '@modelguard/*/testing'], message: 'test-only code: import it from specs and test/ folders only' }],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/test/**/*.ts', '**/testing/**/*.ts', 'tests/**/*.ts', 'bench/**/*.ts'],
    rules: {
      'max-lines': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@nx/enforce-module-boundaries': ['error', boundaryOptions(true)],
      'no-restricted-imports': 'off',
    },
  },
];
