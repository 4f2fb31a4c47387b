// Lint gate (npm run lint): typescript-eslint's strictest type-checked rules,
// exhaustive switches, and the bans that keep model content from ever running.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const NEVER_RUN = 'never execute model content (README: ground rules)';
const vmBan = [
  { name: 'node:vm', message: NEVER_RUN },
  { name: 'vm', message: NEVER_RUN },
];
const processBan = [
  {
    name: 'node:child_process',
    message: 'the library runs no processes; only src/sandbox (detonation) and src/tunnel (tunnel run) start one, by design',
  },
  { name: 'child_process', message: 'use node:child_process, and only where allowed' },
];

export default tseslint.config(
  // Ignored: outputs, caches, fixtures (hostile bytes and generated data, not our code).
  { ignores: ['build/', 'dist/', 'node_modules/', '.bench-cache/', '.cache/', 'tmp/', 'test/fixtures/', 'src/formats/onnx/schema/*.generated.ts'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      'no-eval': 'error',
      'no-new-func': 'error',
      '@typescript-eslint/no-implied-eval': 'error',
      'no-restricted-imports': ['error', { paths: [...vmBan, ...processBan] }],
      // A `default` that throws or reports is how decoders treat values a
      // union does not list; a switch over a union without one must cover it.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      // Spreading a string walks code points, which is what the text checks want.
      '@typescript-eslint/no-misused-spread': ['error', { allow: ['string'] }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-floating-promises': 'error',
      // Errors caught as `unknown` and stored are re-thrown as they came.
      '@typescript-eslint/only-throw-error': ['error', { allowThrowingUnknown: true }],
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
    },
  },
  {
    // The modules whose job is to start a process: the detonation sandbox and
    // `tunnel run` (which launches the user's training command).
    files: ['src/sandbox/**/*.ts', 'src/tunnel/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: vmBan }] },
  },
  {
    // Tests drive the CLI and Debian's Python as real peers, and node:test's
    // describe/it return promises the runner itself awaits. They read parsed
    // JSON reports and index results they have just asserted on, so the
    // any-tracking and nullish rules would only add casts.
    files: ['test/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: vmBan }],
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unnecessary-condition': 'off',
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] },
          ],
        },
      ],
    },
  },
  {
    // Scripts and benchmarks: plain Node ESM; benchmarks run reference tools side by side.
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: globals.node },
    rules: { ...tseslint.configs.disableTypeChecked.rules, 'no-restricted-imports': ['error', { paths: vmBan }] },
  },
);
