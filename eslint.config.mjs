// ESLint flat config. TypeScript is linted with typescript-eslint's type-checked recommended rules
// (the project service reads tsconfig.json); the dashboard's browser modules with the plain
// recommended rules. eslint-config-prettier comes last: layout is Prettier's job (`npm run format`).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'node_modules/', 'data/', 'test/artifacts/'] },

  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `_name` marks a parameter or binding kept on purpose (an interface's signature, a destructured rest).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // Express and Nest take async handlers; a promise returned to them is handled by the framework.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      // Off: an implementation of a Promise-returning interface (a job engine, a store, a guard) is
      // `async` without awaiting so that a throw becomes a rejection, which is what callers handle.
      '@typescript-eslint/require-await': 'off',
    },
  },

  {
    // The engine's values are BSON documents of any shape, typed `any` at the wire-protocol edge
    // and checked field by field by the command code; the no-unsafe-* rules would flag every
    // document access there (about 80 places) without making one of them safer.
    files: ['src/embedded-mongo/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      // Error messages print the value the client sent, whatever its type, as mongod does.
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
    },
  },

  {
    // The demo's network emulators read and write each network's JSON as it is on the wire, and
    // tests alter their answers through `alter(body: any)` hooks; typing every payload of the
    // emulated APIs would duplicate the collectors' types for code that only serves the demo.
    // A route may throw the HTTP answer it wants sent (a plain { status, body } object).
    files: ['src/demo/networks/**/*.ts'],
    rules: {
      '@typescript-eslint/only-throw-error': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },

  {
    // Tests read HTTP answers (supertest's `res.body` is `any`) and parsed JSON, and their
    // assertions check the shape; typing every answer would add casts, not safety.
    files: ['test/**/*.ts', '**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      // expect(obj.method).toHaveBeenCalled() reads a method without calling it.
      '@typescript-eslint/unbound-method': 'off',
      // Ids read from those answers (typed unknown) go into request paths.
      '@typescript-eslint/restrict-template-expressions': 'off',
    },
  },

  {
    files: ['src/dashboard/public/**/*.js'],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: 'module', globals: { ...globals.browser, echarts: 'readonly' } },
  },

  {
    files: ['**/*.mjs', '**/*.cjs'],
    extends: [js.configs.recommended],
    languageOptions: { globals: { ...globals.node } },
  },

  prettier,
);
