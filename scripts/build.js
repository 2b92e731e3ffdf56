// Bundles the CLI, the library and the Lambda handler with esbuild: one file each loads in half
// the time of the module graph (ecs-admission check on one file must stay well under 400 ms).
// The deployed Lambda is bundled by serverless-esbuild; dist/lambda.mjs serves `npm run invoke`
// and the benchmarks.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const common = {
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
  // Asset files as text: the HTML report's style sheet (src/render/html/report.css).
  loader: { '.css': 'text' },
  // The HCL parser (Terraform source) is Go compiled to WebAssembly: it reads its .wasm file next to
  // its own module, so it stays a runtime dependency, loaded from node_modules when a .tf file is given.
  external: ['@cdktf/hcl2json'],
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  logLevel: 'warning',
};

// The CLI is split at its dynamic imports, so that what a command loads when it runs (`redrive`:
// the Lambda handler, Powertools, the SQS client) stays out of the file every command parses.
rmSync('dist/cli-chunks', { recursive: true, force: true });
await build({ ...common, entryPoints: { cli: 'src/cli/main.ts' }, splitting: true, chunkNames: 'cli-chunks/[name]-[hash]' });
await build({ ...common, entryPoints: { index: 'src/index.ts', lambda: 'src/lambda/handler.ts' } });
