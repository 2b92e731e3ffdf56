import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
import { PREREQUISITES } from './test/setup/prerequisites.js';

/** Virtual module ids of text assets: the file's path follows, base64url-encoded. */
const TEXT_ASSET = '\0text-asset:';

export default defineConfig({
  // Asset files (src/render/html/report.css) are imported as text, as esbuild's `text` loader does
  // in the bundles (scripts/build.js, serverless.yml). Under an id that does not end in `.css`:
  // Vite and vitest would treat it as a style sheet (and vitest empties those).
  plugins: [
    {
      name: 'assets-as-text',
      enforce: 'pre',
      async resolveId(source, importer) {
        if (!source.endsWith('.css') || !importer) return null;
        const resolved = await this.resolve(source, importer, { skipSelf: true });
        return resolved ? `${TEXT_ASSET}${Buffer.from(resolved.id).toString('base64url')}` : null;
      },
      load(id) {
        if (!id.startsWith(TEXT_ASSET)) return null;
        const file = Buffer.from(id.slice(TEXT_ASSET.length), 'base64url').toString();
        this.addWatchFile(file);
        return `export default ${JSON.stringify(readFileSync(file, 'utf8'))};`;
      },
    },
  ],
  test: {
    include: ['test/**/*.test.ts'],
    // Metrics (EMF lines on stdout) are asserted where they matter, with this switched off there.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_METRICS_DISABLED: 'true' },
    // One moto server (local fake AWS) for the whole run, see test/helpers/moto.ts; and a scratch
    // folder for the run, see test/setup/run-dir.ts.
    globalSetup: ['test/setup/moto-server.ts', 'test/setup/run-dir.ts'],
    // The tools some tests need from outside npm, one tag each: the skip summary at the end of
    // `npm test` (test/setup/skip-summary.ts) counts the tests a missing one left unrun.
    tags: PREREQUISITES.map((p) => ({ name: p.tag, description: `needs ${p.tool}: ${p.install}` })),
  },
});
