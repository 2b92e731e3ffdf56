// Reading policies from disk: files and directories, `extends` across files, and CEL loaded only
// where some policy (or a file it extends) has custom rules.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPolicies } from '../../src/adapters/policy-files.js';
import { loadResources } from '../../src/input/load.js';
import { compilePolicies, createPolicyEngine } from '../../src/policy/engine.js';
import { parsePolicyFile } from '../../src/policy/load.js';
import { builtinRules } from '../../src/rules/index.js';
import { policyText, scratch } from '../helpers/cli.js';

const NOW = new Date('2026-11-23T10:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'ecs-admission-policy-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const policy = policyText;
const OWNER_RULE = `customRules:
  - id: require-owner-tag
    appliesTo: [taskDefinition]
    expression: "has(object.tags) && object.tags.exists(t, t.key == 'Owner')"
    message: task definitions must carry an Owner tag
    severity: medium
    action: deny`;

const write = (files: Record<string, string>): string => scratch(files, dir);

const untagged = loadResources(JSON.stringify({ family: 'web', containerDefinitions: [{ name: 'app', image: 'nginx:1.27' }] }), 'td.json')[0]!;

describe('loadPolicies', () => {
  it('compiles the custom rules of a file that a policy extends (under the policy root)', async () => {
    const base = write({
      'prod.yaml': policy('prod', 'extends: [recommended, ../shared/owner.yaml]'),
      '../shared/owner.yaml': policy('owner', OWNER_RULE),
    });
    const { policies, errors } = await loadPolicies([join(base, 'prod.yaml')], builtinRules, NOW, { root: join(base, '..') });
    expect(errors).toEqual([]);
    expect(policies.map((p) => p.name)).toEqual(['prod']);
    const result = createPolicyEngine(policies, { now: NOW }).evaluate(untagged);
    expect(result.rules.find((r) => r.ruleId === 'require-owner-tag')).toMatchObject({
      status: 'fail',
      findings: [{ action: 'deny', decidedBy: 'prod', message: 'task definitions must carry an Owner tag' }],
    });
  });

  it('reports an extended file that does not exist at its `extends` entry, with file and line', async () => {
    const base = write({ 'prod.yaml': policy('prod', 'extends: [recommended, ./missing.yaml]') });
    const { errors } = await loadPolicies([base], builtinRules, NOW);
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/prod\.yaml:6:\d+: spec\.extends\[1\]: cannot extend "\.\/missing\.yaml": .*no such file/),
    ]);
  });

  it('reports every invalid file with its line, and still compiles the valid ones', async () => {
    const base = write({ 'a.yaml': policy('a', 'mode: enforcing'), 'b.yaml': policy('b', OWNER_RULE) });
    const { policies, errors } = await loadPolicies([base], builtinRules, NOW);
    expect(policies.map((p) => p.name)).toEqual(['b']);
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/a\.yaml:6:\d+: spec\.mode: /)]);
  });
});

describe('compilePolicies without a CEL compiler', () => {
  it('rejects custom rules at their line instead of skipping them', () => {
    const { policies: parsed } = parsePolicyFile(policy('p', OWNER_RULE), 'p.yaml');
    const { policies, errors } = compilePolicies(parsed, { builtinRules, readExtended: () => [], now: NOW });
    expect(policies).toEqual([]);
    expect(errors.map((e) => e.message)).toEqual(['p.yaml:9:19: customRules: the CEL compiler is not loaded (pass compileCustomRule to compilePolicies)']);
  });
});
