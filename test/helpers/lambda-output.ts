// What a Lambda writes while a test runs: Powertools puts INFO logs and EMF metrics on stdout,
// errors on stderr. Metrics are switched on, so that they are written too.
import { afterEach, beforeEach, vi } from 'vitest';

export function captureLambdaOutput(): { text: () => string; lines: () => Record<string, unknown>[] } {
  let output: string[] = [];
  beforeEach(() => {
    output = [];
    for (const stream of [process.stdout, process.stderr]) vi.spyOn(stream, 'write').mockImplementation((chunk) => (output.push(String(chunk)), true));
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });
  const text = () => output.join('');
  return {
    text,
    lines: () =>
      text()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
