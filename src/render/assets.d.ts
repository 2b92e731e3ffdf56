/**
 * Asset files imported as text: `import css from './report.css'` gives the file's content. esbuild's
 * `text` loader does it in the bundles (scripts/build.js, serverless.yml), a plugin in vitest.config.ts
 * in the tests.
 */
declare module '*.css' {
  const text: string;
  export default text;
}
