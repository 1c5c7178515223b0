// ESLint flat config. Besides the usual TypeScript checks it enforces the layer
// rules of docs/architecture.md §2: a wrong import between layers fails CI.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

const appLayers = ['triage', 'doctor', 'graph', 'fix', 'respond', 'report', 'review', 'lint', 'proxy'];

// Sideways imports between app layers that the architecture allows, with the reason
// (keep in sync with docs/architecture.md "Sideways imports").
const sideways = {
  // respond is the orchestrator of the emergency flow: triage -> doctor -> fix -> report.
  respond: ['triage', 'doctor', 'fix', 'report'],
  // fix verifies its result and picks the last stable ref with doctor's checks.
  fix: ['doctor'],
  // report draws the failing module's dependency path with graph's renderer.
  report: ['graph'],
  // doctor and triage recognise the proxy's error bodies (shared wording lives in proxy/errors).
  doctor: ['proxy'],
  triage: ['proxy'],
};

const dir = (name) => `./src/${name}`;

// Zones of import-x/no-restricted-paths: imports are resolved to files first, so only a
// real import of another layer's folder matches (a file merely named like a layer does not).
const zones = [
  {
    target: dir('mod'),
    from: ['shared', 'cli', ...appLayers].map(dir),
    message: 'src/mod is the library layer: it may import only src/mod (docs/architecture.md §2).',
  },
  {
    target: dir('shared'),
    from: ['cli', ...appLayers].map(dir),
    message: 'src/shared may import only src/mod and src/shared (docs/architecture.md §2).',
  },
  ...appLayers.map((name) => ({
    target: dir(name),
    from: ['cli', ...appLayers.filter((l) => l !== name && !(sideways[name] ?? []).includes(l))].map(dir),
    message: `src/${name} is an app layer: it imports src/mod and src/shared${
      sideways[name] ? ` (and ${sideways[name].join(', ')})` : ''
    }, never src/cli or other app layers (docs/architecture.md §2).`,
  })),
];

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.ci/node24/**', '**/testdata/**', 'web/dist/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        TextDecoder: 'readonly',
        TextEncoder: 'readonly',
        Request: 'readonly',
        Response: 'readonly',
        Headers: 'readonly',
        fetch: 'readonly',
        queueMicrotask: 'readonly',
        structuredClone: 'readonly',
      },
    },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones, basePath: import.meta.dirname }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
      'no-control-regex': 'off',
    },
  },
  // mod: the library. Imports only mod and node/npm packages; no env, no printing, no exit.
  {
    files: ['src/mod/**/*.ts'],
    ignores: ['src/mod/**/*.test.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'src/mod never reads the environment; take values as parameters.',
        },
        { object: 'process', property: 'exit', message: 'src/mod never exits.' },
        { object: 'process', property: 'exitCode', message: 'src/mod never sets the exit code.' },
        { object: 'process', property: 'stdout', message: 'src/mod never prints.' },
        { object: 'process', property: 'stderr', message: 'src/mod never prints.' },
      ],
      'no-console': 'error',
    },
  },
  // shared: imports only mod and shared.
  {
    files: ['src/shared/**/*.ts'],
    ignores: ['src/shared/**/*.test.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Only src/cli reads the environment.' },
        { object: 'process', property: 'exit', message: 'Only bin/ ends the process.' },
      ],
    },
  },
  // app layers: import mod and shared (and the listed sideways exceptions), never cli.
  ...appLayers.map((name) => ({
    files: [`src/${name}/**/*.ts`],
    ignores: [`src/${name}/**/*.test.ts`],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Only src/cli reads the environment; take it from the resolved config.',
        },
        { object: 'process', property: 'exit', message: 'Only bin/ ends the process.' },
      ],
    },
  })),
  // cli: the composition root may import everything, but only bin/ ends the process.
  {
    files: ['src/cli/**/*.ts'],
    ignores: ['src/cli/**/*.test.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'exit', message: 'main() returns the exit code; only bin/ sets it.' },
        { object: 'process', property: 'exitCode', message: 'main() returns the exit code; only bin/ sets it.' },
      ],
    },
  },
);
