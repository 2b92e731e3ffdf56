import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Metrics (EMF lines on stdout) are asserted where they matter, with this switched off there.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_METRICS_DISABLED: 'true' },
    // One moto server (local fake AWS) for the whole run, see test/helpers/moto.ts; and a scratch
    // folder for the run, see test/setup/run-dir.ts.
    globalSetup: ['test/setup/moto-server.ts', 'test/setup/run-dir.ts'],
  },
});
