// `npm run lint`: typescript-eslint's recommended rules with type information, React's hook
// rules, and the import boundaries that keep each layer to its own dependencies.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const tests = ['**/*.test.ts'];

/** shared/ runs in main and in the renderer: `files` import only zod and what `relative` allows. */
function sharedOnly(files, relative) {
  return {
    name: `hivedesk/shared-runs-everywhere (${files})`,
    files: [files],
    ignores: tests,
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ regex: `^(?!zod$|${relative})`, message: 'shared/ runs in main and in the renderer: it imports only zod and shared/ itself.' }],
      }],
      'no-restricted-globals': ['error', 'window', 'document', 'process', 'require'],
    },
  };
}

/** Which layer may import what; tests are left out, as they may put any layers together. */
const boundaries = [
  {
    name: 'hivedesk/host-layer-below-app',
    files: ['electron/{host,datastore,consoles,backends,host-setup}/**/*.ts'],
    ignores: tests,
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{
          regex: '^(\\.\\./)+(electron/)?app(/|$)',
          message: 'host/, datastore/, consoles/, backends/ and host-setup/ sit below app/: move what they need to a leaf module (as AppError went to electron/errors.ts).',
        }],
      }],
    },
  },
  // A relative path may not climb out of shared/: top-level files may not climb at all.
  sharedOnly('shared/*.ts', '\\./'),
  sharedOnly('shared/*/**/*.ts', '\\.\\.?/(?!\\.\\./)'),
  {
    name: 'hivedesk/renderer-stays-in-the-page',
    files: ['renderer/src/**/*.{ts,tsx}'],
    ignores: tests,
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'The renderer reaches main only through the API client.' }],
        patterns: [
          { regex: '^(\\.\\./)+electron(/|$)', message: 'The renderer reaches main only through the API client.' },
          { regex: `^(node:|(${builtinModules.join('|')})(/|$))`, message: 'The renderer runs in a browser page: no Node built-ins.' },
        ],
      }],
    },
  },
];

export default defineConfig(
  globalIgnores(['dist/', 'release/', 'e2e/output/', 'test-results/', 'playwright-report/', '.cache/']),
  js.configs.recommended,
  {
    files: ['**/*.{ts,tsx,cts}'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { project: ['./tsconfig.check.json', './tsconfig.web.json'], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // node:test's test() returns a promise that the runner itself awaits.
      '@typescript-eslint/no-floating-promises': ['error', {
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] }],
      }],
      // An async function without await still implements a Promise-returning interface, and turns a throw into a rejection.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['**/*.{js,mjs,ts,tsx,cts}'],
    // A `let` that a hoisted function reads before its one assignment would be a TDZ error as a const.
    rules: { 'prefer-const': ['error', { ignoreReadBeforeAssign: true }] },
  },
  {
    // Outside both type-checked projects: linted without type information.
    files: ['renderer/vite.config.ts'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { parserOptions: { project: false } },
  },
  {
    files: ['renderer/src/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat.recommended],
    languageOptions: { globals: globals.browser },
    rules: {
      // zustand actions are closures over set/get and never use `this`, so destructuring them is safe.
      '@typescript-eslint/unbound-method': 'off',
      // Only says the React Compiler would skip a component; this project does not use the compiler.
      'react-hooks/incompatible-library': 'off',
    },
  },
  {
    // Playwright reads a fixture's dependencies from its first parameter, so `{}` means "none".
    files: ['e2e/**/*.ts'],
    rules: { 'no-empty-pattern': 'off' },
  },
  {
    files: ['**/*.{js,mjs,cjs}', 'renderer/vite.config.ts'],
    languageOptions: { globals: globals.node },
  },
  {
    // Playwright specs (e2e/*.spec.ts) take their timeout from playwright.config.ts instead.
    name: 'hivedesk/every-test-has-a-timeout',
    files: ['**/*.test.{ts,mjs}'],
    rules: {
      'no-restricted-syntax': ['error', {
        selector: 'CallExpression:matches([callee.name=/^(test|it)$/], [callee.object.name=/^(test|it)$/][callee.property.name="only"])'
          // Nested :has, as esquery does not match `:has(> A > B)`.
          + ':not(:has(> ObjectExpression.arguments:has(> Property.properties[key.name="timeout"])))',
        message: 'Give every node:test test an explicit `{ timeout }` option: --test-timeout only limits the whole file (issue 6).',
      }],
    },
  },
  ...boundaries,
);
