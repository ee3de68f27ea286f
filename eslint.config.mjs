// Lint rules that keep the house in order: module boundaries between services and layers, and the
// async pitfalls that lose messages in handlers (floating promises, misused promises).
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const services = ['gateway', 'ingest', 'scan', 'scoring', 'lineage', 'audit'];
const infraClients = ['kafkajs', '@aws-sdk/*', 'ioredis'];

/** Boundary rules; test files may additionally use the `type:testing` harness libraries. */
function boundaryOptions(allowTesting) {
  const testing = allowTesting ? ['type:testing'] : [];
  return {
    enforceBuildableLibDependency: true,
    allow: [],
    depConstraints: [
      { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
      ...services.map((s) => ({ sourceTag: `scope:${s}`, onlyDependOnLibsWithTags: [`scope:${s}`, 'scope:shared'] })),
      { sourceTag: 'scope:embedded', onlyDependOnLibsWithTags: ['*'] },
      { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:platform', 'type:contracts', ...testing] },
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
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/test/**/*.ts', '**/testing/**/*.ts', 'tests/**/*.ts', 'bench/**/*.ts'],
    rules: {
      'max-lines': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@nx/enforce-module-boundaries': ['error', boundaryOptions(true)],
    },
  },
];
