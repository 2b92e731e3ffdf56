// What the Lambdas load when their bundle is required (the cold start), as opposed to what they
// load with the first read of the compiled policies, and what they never hold: the policy file
// readers. Read from esbuild's module graph of each handler, bundled as serverless.yml bundles it:
// static imports run at load, dynamic imports when reached.
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { root } from '../helpers/cli.js';

const ENTRY = 'src/lambda/handler.ts';
const SWEEP_ENTRY = 'src/lambda/sweep-handler.ts';

async function moduleGraph(entry = ENTRY): Promise<Metafile['inputs']> {
  const { metafile } = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    write: false,
    outfile: 'handler.cjs',
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    mainFields: ['module', 'main'],
    metafile: true,
    logLevel: 'silent',
  });
  return metafile.inputs;
}

/** The files the entry reaches through static imports only. */
function loadedAtStart(inputs: Metafile['inputs'], entry = ENTRY): Set<string> {
  const reached = new Set<string>();
  const pending = [entry];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (reached.has(file)) continue;
    reached.add(file);
    for (const edge of inputs[file]?.imports ?? []) if (edge.kind !== 'dynamic-import' && !edge.external) pending.push(edge.path);
  }
  return reached;
}

const packageOf = (file: string): string | undefined => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1];

// What reads policy files: the YAML reader, the JSON position reader, the policy file loader.
const FILE_READERS = ['yaml', 'jsonc-parser'];
const FILE_READER_SOURCES = ['src/adapters/policy-files.ts', 'src/policy/load.ts', 'src/input/parse.ts'];

describe('the admission handler at cold start', () => {
  it('holds no policy file reader at all: it reads the compiled policies (JSON), whatever the policies are', async () => {
    for (const entry of [ENTRY, SWEEP_ENTRY]) {
      const inputs = Object.keys(await moduleGraph(entry));
      for (const reader of FILE_READERS)
        expect(
          inputs.filter((f) => packageOf(f) === reader),
          `${entry}: ${reader}`,
        ).toEqual([]);
      for (const source of FILE_READER_SOURCES) expect(inputs, `${entry}: ${source}`).not.toContain(source);
    }
  });

  it('loads neither cel-js nor the bundle reader at start: they load with the first invocation, cel-js only for custom rules', async () => {
    const inputs = await moduleGraph();
    const atStart = loadedAtStart(inputs);
    const packages = new Set([...atStart].map(packageOf).filter(Boolean));

    // Still in the bundle (reached through `import()`), so the Lambda can run CEL custom rules…
    expect(Object.keys(inputs).some((f) => packageOf(f) === '@marcbachmann/cel-js')).toBe(true);
    expect(Object.keys(inputs)).toContain('src/policy/bundle.ts');
    // …but not run when the bundle is required.
    for (const lazy of ['@marcbachmann/cel-js', 're2js']) expect(packages, lazy).not.toContain(lazy);
    for (const lazy of ['src/policy/bundle.ts', 'src/policy/schema.ts', 'src/policy/custom-rule.ts']) expect(atStart, lazy).not.toContain(lazy);
    // Policies in S3 and scopes by OU: their SDK clients load with the first use, only when the policies need them.
    for (const lazy of ['@aws-sdk/client-s3', '@aws-sdk/client-organizations']) {
      expect(
        Object.keys(inputs).some((f) => packageOf(f) === lazy),
        `${lazy} in the bundle`,
      ).toBe(true);
      expect(packages, lazy).not.toContain(lazy);
    }
    expect(atStart).not.toContain('src/adapters/aws/policy-bundle-s3.ts');
    // A hub's way into member accounts (and its STS client) loads with a hub's first event only.
    expect(Object.keys(inputs)).toContain('src/adapters/aws/member-access.ts');
    expect(atStart).not.toContain('src/adapters/aws/member-access.ts');
    expect(packages).not.toContain('@aws-sdk/client-sts');
    // The control: what every invocation needs is loaded at start.
    for (const eager of ['src/policy/engine.ts', 'src/rules/index.ts', 'src/admission/event.ts', 'src/lambda/compiled-policies.ts'])
      expect(atStart, eager).toContain(eager);
  });
});
