// What the admission Lambda loads when its bundle is required (the cold start), as opposed to what
// it loads with the first policy read. Read from esbuild's module graph of the handler, bundled
// as serverless.yml bundles it: static imports run at load, dynamic imports when reached.
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { root } from '../helpers/cli.js';

const ENTRY = 'src/lambda/handler.ts';

async function moduleGraph(): Promise<Metafile['inputs']> {
  const { metafile } = await build({
    absWorkingDir: root,
    entryPoints: [ENTRY],
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
function loadedAtStart(inputs: Metafile['inputs']): Set<string> {
  const reached = new Set<string>();
  const pending = [ENTRY];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (reached.has(file)) continue;
    reached.add(file);
    for (const edge of inputs[file]?.imports ?? []) if (edge.kind !== 'dynamic-import' && !edge.external) pending.push(edge.path);
  }
  return reached;
}

const packageOf = (file: string): string | undefined => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1];

describe('the admission handler at cold start', () => {
  it('loads neither the YAML reader nor cel-js: they load with the first policy read, cel-js only for custom rules', async () => {
    const inputs = await moduleGraph();
    const atStart = loadedAtStart(inputs);
    const packages = new Set([...atStart].map(packageOf).filter(Boolean));

    // Still in the bundle (reached through `import()`), so the Lambda can read YAML policies with CEL rules…
    expect(Object.keys(inputs).some((f) => packageOf(f) === 'yaml')).toBe(true);
    expect(Object.keys(inputs).some((f) => packageOf(f) === '@marcbachmann/cel-js')).toBe(true);
    // …but not run when the bundle is required.
    for (const lazy of ['yaml', 'jsonc-parser', '@marcbachmann/cel-js']) expect(packages, lazy).not.toContain(lazy);
    for (const lazy of ['src/policy/load.ts', 'src/policy/schema.ts', 'src/policy/custom-rule.ts', 'src/input/parse.ts']) expect(atStart, lazy).not.toContain(lazy);
    // The control: what every invocation needs is loaded at start.
    for (const eager of ['src/policy/engine.ts', 'src/rules/index.ts', 'src/admission/event.ts']) expect(atStart, eager).toContain(eager);
  });
});
