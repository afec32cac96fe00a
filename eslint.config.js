// ESLint flat config. Formatting is Prettier's job (`.prettierrc.json`); eslint-config-prettier
// comes last and turns off every stylistic rule that would disagree with it.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores(['dist/', 'data/', 'coverage/', 'test-results/', '.tmp/', 'test/contract/specs/']),
  js.configs.recommended,
  tseslint.configs.recommended,
  // CommonJS config files of tools (dependency-cruiser).
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs', globals: globals.node } },
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    languageOptions: { globals: globals.node },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `_`-prefixed names are deliberately unused (a required parameter); so are the fields a
      // `{ a, b, ...rest }` destructuring leaves out of `rest`.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // `cond ? set.delete(x) : set.add(x)` is the codebase's idiom for a toggle.
      '@typescript-eslint/no-unused-expressions': ['error', { allowTernary: true, allowShortCircuit: true }],
      // The regexes that contain control characters are there to find and strip them (header
      // values, names, error text): the rule would only flag those deliberate uses.
      'no-control-regex': 'off',
    },
  },
  {
    // Tests read API bodies loosely and let their assertions pin the shape down.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The rules of hooks, and complete effect dependencies (a deliberate omission says why in an
    // eslint-disable comment). Not the React Compiler rules of the plugin's 7.x `recommended`
    // (set-state-in-effect, refs, immutability): the app is not compiled by React Compiler, and
    // those rules flag its reset-the-form-when-a-modal-opens effects, which work as written.
    files: ['web/src/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  prettier,
);
