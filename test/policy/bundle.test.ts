// Compiled policy bundles (src/policy/bundle.ts): policies read back from the JSON judge exactly as
// the policy files they were compiled from, and a file that is not a bundle, or one of another
// format version, is an error naming the file and the field.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPolicies } from '../../src/adapters/policy-files.js';
import type { Resource } from '../../src/core/types.js';
import { loadResources } from '../../src/input/load.js';
import { BUNDLE_FORMAT, bundleHasCustomRules, fromBundle, toBundle, type BundleError, type PolicyBundle } from '../../src/policy/bundle.js';
import { compileCustomRule } from '../../src/policy/custom-rule.js';
import { createPolicyEngine, type CompiledPolicy } from '../../src/policy/engine.js';
import { builtinRules } from '../../src/rules/index.js';
import { root } from '../helpers/cli.js';

// The date the shipped suites run at: team-exception's exception is active then.
const NOW = new Date('2026-11-23T10:00:00Z');
const SOURCES = ['policies', 'test/fixtures/policies'];
const ABOUT = { sources: SOURCES, compiledBy: 'ecs-admission test' };

/** Every resource of the corpus and of the shipped policies' test fixtures. */
function resources(): Resource[] {
  const corpus = join(root, 'test/corpus');
  const files = [
    ...readdirSync(corpus)
      .filter((f) => /\.(json|ya?ml)$/.test(f) && !['manifest.json', 'verdicts.json', 'terraform-verdicts.json'].includes(f))
      .map((f) => join(corpus, f)),
    ...readdirSync(join(root, 'policies/examples'), { recursive: true, encoding: 'utf8' })
      .filter((f) => /tests\/[^/]+\.json$/.test(f))
      .map((f) => join(root, 'policies/examples', f)),
    ...readdirSync(join(root, 'policies/tests'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => join(root, 'policies/tests', f)),
  ];
  return files.flatMap((file) => loadResources(readFileSync(file, 'utf8'), file));
}

const roundTrip = (policies: CompiledPolicy[]): CompiledPolicy[] =>
  fromBundle(JSON.parse(JSON.stringify(toBundle(policies, ABOUT))), 'compiled.json', builtinRules, { compileCustomRule });

let fromYaml: CompiledPolicy[];
beforeAll(async () => {
  const loaded = await loadPolicies(
    SOURCES.map((s) => join(root, s)),
    builtinRules,
    NOW,
  );
  expect(loaded.errors).toEqual([]);
  fromYaml = loaded.policies;
});

describe('a compiled bundle', () => {
  it('judges every resource exactly as the policy files it was compiled from (scopes, exceptions, custom rules included)', () => {
    const fromJson = roundTrip(fromYaml);
    expect(fromJson.map((p) => p.name)).toEqual(fromYaml.map((p) => p.name));
    // The set covers what a bundle must carry: a scoped policy, an exception, a CEL rule.
    expect(fromYaml.some((p) => p.match && p.exclude)).toBe(true);
    expect(fromYaml.some((p) => p.exceptions.length > 0)).toBe(true);
    expect(fromYaml.some((p) => p.customRules.length > 0)).toBe(true);

    const all = resources();
    expect(all.length).toBeGreaterThan(60);
    // Each policy alone (its scope and exceptions decide) and all of them together (the strictest wins).
    for (const policies of [...fromYaml.map((p) => [p]), fromYaml]) {
      const names = new Set(policies.map((p) => p.name));
      const yamlEngine = createPolicyEngine(policies, { now: NOW });
      const jsonEngine = createPolicyEngine(
        fromJson.filter((p) => names.has(p.name)),
        { now: NOW },
      );
      let judged = 0;
      for (const resource of all) {
        const expected = yamlEngine.evaluate(resource);
        expect(jsonEngine.evaluate(resource), `${[...names].join(',')} on ${resource.origin.source}`).toEqual(expected);
        if (expected.policies?.length) judged++;
      }
      expect(judged, [...names].join(',')).toBeGreaterThan(0);
      expect(jsonEngine.exceptions()).toEqual(yamlEngine.exceptions());
    }
  });

  it('is plain, stable JSON: compiling it again gives the same document, each custom rule once', () => {
    const bundle = toBundle(fromYaml, ABOUT);
    expect(toBundle(roundTrip(fromYaml), ABOUT)).toEqual(bundle);
    expect(bundle).toMatchObject({ format: BUNDLE_FORMAT, version: 1, sources: SOURCES });
    expect(bundle.customRules.map((c) => c.spec.id)).toEqual(['require-owner-tag']);
    expect(bundle.customRules[0]!.where).toEqual({ file: join(root, 'policies/examples/owner-tag-cel/policy.yaml'), line: 13, column: 19 });
    expect(bundleHasCustomRules(bundle)).toBe(true);
    expect(bundleHasCustomRules({ ...bundle, customRules: [] })).toBe(false);
  });
});

describe('reading a bundle that is not one this version can use', () => {
  const bundle = (): PolicyBundle => JSON.parse(JSON.stringify(toBundle(fromYaml, ABOUT))) as PolicyBundle;
  const read =
    (json: unknown, options = { compileCustomRule }) =>
    () =>
      fromBundle(json, 'compiled/policies.json', builtinRules, options);

  it('names the file when the JSON is not a bundle at all (a policy file, an array)', () => {
    const message =
      'compiled/policies.json: not a compiled policy bundle (expected "format": "ecs-admission/compiled-policies"); policy files are compiled into one with ecs-admission compile';
    expect(read({ apiVersion: 'ecs-admission/v1', kind: 'Policy' })).toThrow(message);
    expect(read([])).toThrow(message);
    expect(read(null)).toThrow(message);
  });

  it('names the version when the format version is unknown', () => {
    expect(read({ ...bundle(), version: 2 })).toThrow(
      'compiled/policies.json: version: format version 2 is not one this ecs-admission reads (1): compile the policies again with this version of ecs-admission (ecs-admission compile)',
    );
  });

  it('names the field that does not hold', () => {
    const b = bundle();
    (b.policies[0] as { mode: string }).mode = 'enforcee';
    expect(read(b)).toThrow(/^compiled\/policies\.json: policies\[0\]\.mode: Invalid option: expected one of "audit"\|"enforce"$/);
    const c = bundle();
    c.policies[0]!.rules[0]!.id = 'no-such-rule';
    expect(read(c)).toThrow('compiled/policies.json: policies[0].rules[0].id: unknown rule "no-such-rule": compile the policies again');
    const d = bundle();
    d.policies.find((p) => p.customRules.length > 0)!.customRules[0] = 7;
    expect(read(d)).toThrow(/^compiled\/policies\.json: policies\[\d\]\.customRules\[0\]: no custom rule 7 in the bundle$/);
  });

  it('points a custom rule that no longer compiles at its policy file and line', () => {
    const b = bundle();
    b.customRules[0]!.spec.expression = 'has(object.tags) &&';
    expect(read(b)).toThrow(
      /^compiled\/policies\.json: customRules\[0\]: .*owner-tag-cel\/policy\.yaml:13:19: customRules\[require-owner-tag\]: expression, position \d+: /,
    );
  });

  it('says which policy file a problem comes from (source), for the alert on a bad version', () => {
    const sourceOf = (json: unknown) => {
      try {
        read(json)();
      } catch (error) {
        return (error as BundleError).source;
      }
      return 'read';
    };
    const c = bundle();
    c.policies[0]!.rules[0]!.id = 'no-such-rule';
    expect(sourceOf(c)).toEqual({ file: c.policies[0]!.file, policy: c.policies[0]!.name });
    const b = bundle();
    b.customRules[0]!.spec.expression = 'has(object.tags) &&';
    const custom = sourceOf(b) as BundleError['source'];
    expect(custom?.line).toBe(13);
    expect(custom?.file).toMatch(/owner-tag-cel\/policy\.yaml$/);
    expect(sourceOf({ ...bundle(), version: 2 })).toBeUndefined();
  });

  it('asks for the CEL compiler rather than dropping custom rules', () => {
    expect(read(bundle(), {} as { compileCustomRule: typeof compileCustomRule })).toThrow(
      'compiled/policies.json: customRules[0]: the CEL compiler is not loaded (pass compileCustomRule to fromBundle)',
    );
  });
});
