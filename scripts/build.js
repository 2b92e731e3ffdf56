// Bundles the CLI, the library and the Lambda handler with esbuild: one file each loads in half
// the time of the module graph (ecs-admission check on one file must stay well under 400 ms).
// The deployed Lambda is bundled by serverless-esbuild; dist/lambda.mjs serves `npm run invoke`
// and the benchmarks.
import { build } from 'esbuild';

await build({
  entryPoints: { cli: 'src/cli/main.ts', index: 'src/index.ts', lambda: 'src/lambda/handler.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  sourcemap: true,
  // jsonc-parser's CommonJS build loads files dynamically; its ESM build bundles cleanly.
  mainFields: ['module', 'main'],
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  logLevel: 'warning',
});
