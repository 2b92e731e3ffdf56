import { describe, expect, it } from 'vitest';
import * as z from '../../src/zod.js';
import { createEvaluator } from '../../src/core/evaluate.js';
import { presetRuleSet } from '../../src/core/presets.js';
import { buildRuleSet, RuleOptionsError } from '../../src/core/rule-set.js';
import { defineRule, type Rule } from '../../src/core/rule.js';
import type { Resource, TaskDefinition } from '../../src/core/types.js';
import { guardUnknowns, UnknownValue } from '../../src/core/unknown.js';

const meta = { title: 't', description: 'd', rationale: 'r', remediation: 'fix it', references: [{ title: 'ref' }] };

const privileged = defineRule({
  ...meta,
  id: 'fake-privileged',
  severity: 'critical',
  recommended: 'deny',
  appliesTo: ['taskDefinition'],
  options: z.strictObject({}),
  check(td, { report }) {
    td.containerDefinitions?.forEach((c, i) => {
      if (c.privileged) report({ path: `containerDefinitions[${i}].privileged`, message: 'privileged', container: c.name });
    });
  },
});
const throwing = defineRule({
  ...meta,
  id: 'fake-throws',
  severity: 'low',
  recommended: 'flag',
  appliesTo: ['taskDefinition'],
  options: z.strictObject({}),
  check() {
    throw new Error('boom');
  },
});
const windowsOnly = defineRule({
  ...meta,
  id: 'fake-windows',
  severity: 'medium',
  recommended: 'off',
  appliesTo: ['taskDefinition'],
  options: z.strictObject({ limit: z._default(z.number(), 3) }),
  notApplicable: () => 'not a Windows task definition',
  check() {},
});

const taskDefinition = (object: TaskDefinition, name = 'web:1'): Resource<'taskDefinition'> => ({
  kind: 'taskDefinition',
  name,
  object,
  origin: { source: 'x.json' },
});

describe('createEvaluator', () => {
  const ruleSet = buildRuleSet('test', [privileged, throwing, windowsOnly], (r) => ({ action: r.recommended === 'off' ? 'flag' : r.recommended }));
  const evaluate = createEvaluator(ruleSet);

  it('reports findings with rule id, severity, action, path, container and remediation', () => {
    const result = evaluate(taskDefinition({ containerDefinitions: [{ name: 'a' }, { name: 'b', privileged: true }] }));
    expect(result.status).toBe('fail');
    expect(result.findings).toEqual([
      {
        ruleId: 'fake-privileged',
        severity: 'critical',
        action: 'deny',
        mode: 'audit',
        decidedBy: 'test',
        message: 'privileged',
        path: 'containerDefinitions[1].privileged',
        container: 'b',
        remediation: 'fix it',
      },
      // The rule that throws is never silent: its error is a finding too (onError: flag, the default).
      {
        ruleId: 'fake-throws',
        severity: 'low',
        action: 'flag',
        mode: 'audit',
        decidedBy: 'test',
        message: 'The rule could not be evaluated: rule threw: boom.',
        path: '',
        container: undefined,
        remediation: 'fix it',
        error: true,
      },
    ]);
  });

  it('turns a throwing rule into an error result, never a crash and never a pass', () => {
    const result = evaluate(taskDefinition({ containerDefinitions: [] }));
    expect(result.rules).toEqual([
      { ruleId: 'fake-privileged', status: 'pass', findings: [] },
      {
        ruleId: 'fake-throws',
        status: 'error',
        reason: 'rule threw: boom',
        action: 'flag',
        findings: [
          expect.objectContaining({ ruleId: 'fake-throws', action: 'flag', error: true, message: 'The rule could not be evaluated: rule threw: boom.' }),
        ],
      },
      { ruleId: 'fake-windows', status: 'skip', reason: 'not a Windows task definition', findings: [] },
    ]);
    expect(result.status).toBe('error');
  });

  it('reports a rule that reads an unknown value as unknown, naming it, and keeps findings made before it', () => {
    const unknownSecond = guardUnknowns<object>({
      containerDefinitions: [
        { name: 'a', privileged: true },
        { name: 'b', privileged: new UnknownValue('!Ref P') },
      ],
    }) as TaskDefinition;
    const failFirst = evaluate(taskDefinition(unknownSecond, 'u1')).rules[0]!;
    expect(failFirst).toMatchObject({ status: 'fail', reason: 'containerDefinitions[1].privileged is unknown (!Ref P)' });
    expect(failFirst.findings).toHaveLength(1);

    const unknownFirst = guardUnknowns<object>({ containerDefinitions: [{ name: 'b', privileged: new UnknownValue('!Ref P') }] }) as TaskDefinition;
    expect(evaluate(taskDefinition(unknownFirst, 'u2')).rules[0]).toEqual({
      ruleId: 'fake-privileged',
      status: 'unknown',
      reason: 'containerDefinitions[0].privileged is unknown (!Ref P)',
      action: 'deny',
      findings: [],
    });
  });

  it('evaluates a task definition shared by many workloads once', () => {
    let calls = 0;
    const counting: Rule = { ...privileged, id: 'counting', check: () => void calls++ };
    const td = taskDefinition({ containerDefinitions: [] });
    const services: Resource[] = [1, 2, 3].map((i) => ({ kind: 'service', name: `s${i}`, object: {}, origin: { source: 'x' }, taskDefinitionRef: 'web:1' }));
    const run = createEvaluator(
      buildRuleSet('t', [counting], () => ({ action: 'deny' })),
      { resolveTaskDefinition: () => td },
    );
    services.forEach(run);
    run(td);
    expect(calls).toBe(1);
  });
});

describe('buildRuleSet', () => {
  it('validates options once, naming the rule and the field', () => {
    expect(() => buildRuleSet('p', [windowsOnly], () => ({ action: 'flag', options: { limit: 'x' } }))).toThrow(RuleOptionsError);
    expect(() => buildRuleSet('p', [windowsOnly], () => ({ action: 'flag', options: { limti: 3 } }))).toThrow(/invalid options for rule fake-windows: .*limti/);
  });

  it('fills option defaults and drops rules that are off', () => {
    const set = buildRuleSet('p', [privileged, windowsOnly], (r) => ({ action: r === privileged ? 'off' : 'flag' }));
    expect(set.settings.map((s) => [s.rule.id, s.options])).toEqual([['fake-windows', { limit: 3 }]]);
  });
});

describe('presets', () => {
  const rules = [privileged, throwing, windowsOnly];
  it('recommended takes each rule’s own default action', () => {
    expect(presetRuleSet('recommended', rules).settings.map((s) => [s.rule.id, s.action])).toEqual([
      ['fake-privileged', 'deny'],
      ['fake-throws', 'flag'],
    ]);
  });
  it('strict turns every rule on, deny for critical and high', () => {
    expect(presetRuleSet('strict', rules).settings.map((s) => [s.rule.id, s.action])).toEqual([
      ['fake-privileged', 'deny'],
      ['fake-throws', 'flag'],
      ['fake-windows', 'flag'],
    ]);
  });
});
