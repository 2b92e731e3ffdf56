/**
 * Policies cannot read or stall the machine: `extends` is confined and never echoes another
 * file; each file is compiled once however it fans out; prototype keys are refused; CEL `matches`
 * runs on RE2 (linear time); `validate` type-checks expressions against the ECS shape and reports
 * every problem of a policy in one run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPolicies } from '../../src/adapters/policy-files.js';
import { createEvaluator } from '../../src/core/evaluate.js';
import { buildRuleSet } from '../../src/core/rule-set.js';
import type { Rule } from '../../src/core/rule.js';
import { compileCustomRule, type CustomRuleSpec } from '../../src/policy/custom-rule.js';
import { compilePolicies } from '../../src/policy/engine.js';
import { parsePolicyFile, type ParsedPolicy } from '../../src/policy/load.js';
import { builtinRules } from '../../src/rules/index.js';
import { policyText, scratch } from '../helpers/cli.js';

const NOW = new Date('2026-12-02T10:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'ecs-admission-policy-safety-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const policy = policyText;
const write = (files: Record<string, string>): string => scratch(files, dir);

describe('extends is confined', () => {
  it('to the directory of the file that names it: /etc/passwd is never read, nor printed', async () => {
    const base = write({ 'team/p.yaml': policy('p', 'extends: [../../../../../../../../etc/passwd]') });
    const { errors } = await loadPolicies([join(base, 'team/p.yaml')], builtinRules, NOW);
    expect(errors.map((e) => e.detail)).toEqual([
      expect.stringMatching(
        /^spec\.extends\[0\]: cannot extend "[./]+etc\/passwd": [./]+etc\/passwd is outside .*team: name a file in that directory or below \(or choose a wider root with --policy-root\)/,
      ),
    ]);
    expect(errors.map((e) => e.message).join('\n')).not.toMatch(/root:|nologin/);
  });

  it('or to an explicit root, inside which a team policy may extend a shared one', async () => {
    const base = write({ 'team/p.yaml': policy('p', 'extends: [../shared/base.yaml]'), 'shared/base.yaml': policy('base', 'extends: [recommended]') });
    expect((await loadPolicies([join(base, 'team/p.yaml')], builtinRules, NOW)).errors).toHaveLength(1);
    expect((await loadPolicies([join(base, 'team/p.yaml')], builtinRules, NOW, { root: base })).errors).toEqual([]);
  });

  it('never echoes the content of the file it names', async () => {
    const base = write({ 'p.yaml': policy('p', 'extends: [notes.yaml]'), 'notes.yaml': 'db-password-hunter2: yes\n' });
    const { errors } = await loadPolicies([join(base, 'p.yaml')], builtinRules, NOW);
    expect(errors.map((e) => e.detail)).toEqual([
      'spec.extends[0]: cannot extend "notes.yaml": notes.yaml is not a valid policy file (5 problems: run ecs-admission validate on it); use recommended, strict or a policy file path',
    ]);
    expect(errors.map((e) => e.message).join('\n')).not.toContain('hunter2');
  });
});

describe('fan-out stays linear', () => {
  it('a diamond of 20 levels, each file extending both files of the next, compiles each file once', () => {
    // Without the memo this is 2^20 compilations of the last level.
    const files = new Map<string, ParsedPolicy[]>();
    for (let level = 0; level <= 20; level++) {
      for (const side of ['a', 'b']) {
        const name = `l${level}${side}`;
        const extend = level < 20 ? `extends: [l${level + 1}a.yaml, l${level + 1}b.yaml]\n` : '';
        const rule = `customRules:\n  - { id: rule-${name}, appliesTo: [taskDefinition], expression: "true", message: m, severity: low }`;
        files.set(`${name}.yaml`, parsePolicyFile(policy(name, extend + rule), `${name}.yaml`).policies);
      }
    }
    let compiled = 0;
    const counting: typeof compileCustomRule = (spec: CustomRuleSpec, where, ids) => {
      compiled++;
      return compileCustomRule(spec, where, ids);
    };
    const { policies, errors } = compilePolicies(files.get('l0a.yaml')!, {
      builtinRules,
      readExtended: (path) => files.get(path)!,
      now: NOW,
      compileCustomRule: counting,
    });
    expect(errors).toEqual([]);
    expect(policies[0]!.rules.has('rule-l20b')).toBe(true);
    // Every file reached once: l0a and both files of levels 1 to 20.
    expect(compiled).toBe(41);
  });
});

describe('keys that reach the prototype are refused', () => {
  it.each([
    ['p.yaml', policy('p', 'rules:\n  __proto__: { action: deny }'), 'spec.rules.__proto__: key "__proto__" is not allowed'],
    [
      'p.json',
      JSON.stringify({ apiVersion: 'ecs-admission/v1', kind: 'Policy', metadata: { name: 'p' }, spec: { rules: { constructor: 'deny' } } }),
      'spec.rules.constructor: key "constructor" is not allowed',
    ],
  ])('%s', (file, text, detail) => {
    expect(parsePolicyFile(text, file).errors.map((e) => e.detail)).toEqual([detail]);
  });
});

describe('CEL', () => {
  const custom = (expression: string, appliesTo: CustomRuleSpec['appliesTo'] = ['taskDefinition']): Rule =>
    compileCustomRule({ id: 'c', appliesTo, expression, message: 'm', severity: 'low', action: 'deny' }, { file: 'p.yaml' }, new Set());

  it('matches runs on RE2: a backtracking pattern on a long name finishes, with the right answer', () => {
    const rule = custom("object.family.matches('^(a+)+$')");
    const evaluate = createEvaluator(buildRuleSet('t', [rule], () => ({ action: 'deny' })));
    // A backtracking engine takes 2^40 steps on this name; RE2 a few thousand.
    const result = evaluate({ kind: 'taskDefinition', name: 'x', object: { family: `${'a'.repeat(40)}b`, containerDefinitions: [] }, origin: { source: 'x' } });
    expect(result.rules[0]!.status).toBe('fail');
    expect(
      evaluate({ kind: 'taskDefinition', name: 'x', object: { family: 'aaaa', containerDefinitions: [] }, origin: { source: 'x' } }).rules[0]!.status,
    ).toBe('pass');
  });

  it('a pattern RE2 does not accept is a compile error with its position', () => {
    expect(() => custom("object.family.matches('(?<=web)-api')")).toThrow(/expression, position 23: invalid regular expression \(RE2 syntax\)/);
  });

  it('is type-checked against the ECS shape of the kind it applies to', () => {
    expect(() => custom('object.containerDefinition.size() > 0')).toThrow(
      /expression, position \d+: No such key: containerDefinition \(checked against the ECS shape of a task definition\)/,
    );
    expect(() => custom("object.containerDefinitions.all(c, c.privileged == 'true')")).toThrow(/no such overload: bool == string/);
    // Comparisons of numbers with int literals, and rules for several kinds, check as they run.
    expect(() => custom('object.containerDefinitions.all(c, !has(c.memory) || c.memory <= 4096)')).not.toThrow();
    expect(() => custom('has(object.serviceName)', ['service', 'task'])).not.toThrow();
  });

  it('validate reports every problem of a policy in one run: schema, rule ids and CEL', async () => {
    const base = write({
      'p.yaml': policy(
        'p',
        'mode: enforse\nrules:\n  no-privileged-containrs: deny\ncustomRules:\n  - { id: bad-cel, appliesTo: [taskDefinition], expression: "object.containerDefinitions.all(c, c.privileged == \'true\')", message: m, severity: high }',
      ),
    });
    const { errors } = await loadPolicies([join(base, 'p.yaml')], builtinRules, NOW);
    expect(errors.map((e) => e.detail)).toEqual([
      'spec.mode: Invalid option: expected one of "audit"|"enforce"',
      'spec.rules.no-privileged-containrs: unknown rule "no-privileged-containrs" (did you mean "no-privileged-containers"?)',
      expect.stringMatching(/^customRules\[bad-cel\]: expression, position 36: no such overload: bool == string/),
    ]);
  });
});
