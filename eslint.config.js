import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', '.serverless/**', '.esbuild/**', 'node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  { languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } } },
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], ...tseslint.configs.disableTypeChecked },
  // CommonJS (the serverless plugin, which the framework require()s).
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  { files: ['bin/**', 'scripts/**', 'bench/**', '.ci/**'], languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } } },
  {
    // The core and the rules stay pure: no AWS SDK, file system, process or clock. Decision logic
    // never renders: alerts, digests and reports (src/render) are made by the callers (lambda/, cli/).
    files: [
      'src/core/**/*.ts',
      'src/rules/**/*.ts',
      'src/input/**/*.ts',
      'src/use-cases/**/*.ts',
      'src/policy/**/*.ts',
      'src/admission/**/*.ts',
      'src/sweep/**/*.ts',
      'src/guardrails/**/*.ts',
    ],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@aws-sdk/*', 'node:fs', 'node:fs/*', 'node:child_process', '@middy/*', '**/cli/**', '**/render/**'] }],
      'no-restricted-globals': ['error', 'process'],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now' }],
    },
  },
  {
    // Resource identity has one home: ARNs, `family:revision` and names are read in src/core/identity.ts.
    files: ['src/**/*.ts'],
    ignores: ['src/core/identity.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...[
          'Literal[regex.pattern=/arn/]',
          'Literal[value=/^arn:/]',
          'TemplateElement[value.raw=/(^|[^a-z])arn:/]',
          'Literal[value=/:task-definition\\//]',
          'Literal[regex.pattern=":\\\\d\\+\\$"]',
          "CallExpression[callee.property.name='split'][arguments.0.value=':']",
          'CallExpression[callee.property.name=/^(lastIndexOf|indexOf)$/][callee.object.name=/arn|ref|cluster|service|task/i][arguments.0.value=/^[:/]$/]',
          'CallExpression[callee.property.name=/^(lastIndexOf|indexOf)$/][callee.object.property.name=/arn|ref|cluster|service|task/i][arguments.0.value=/^[:/]$/]',
        ].map((selector) => ({
          selector,
          message: 'ARNs, families and revisions are parsed and formatted in src/core/identity.ts: use (or add) a function there',
        })),
      ],
    },
  },
);
