/**
 * Runs one rule over the fixtures beside its test, through the real loader and evaluator.
 *
 * The folder gives the verdict: every file in `pass/` must pass, every file in `skip/` must be
 * skipped (the rule does not apply) and every file in `unknown/` undecided (a value unknown
 * offline), with the reason given, and every file in `fail/` must give exactly the findings listed
 * (rule id, path, message, container), in order. A fixture without an expectation fails the test,
 * so no fixture goes unchecked.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEvaluator } from '../../src/core/evaluate.js';
import { buildRuleSet } from '../../src/core/rule-set.js';
import type { Rule } from '../../src/core/rule.js';
import { indexTaskDefinitions } from '../../src/core/task-definition-index.js';
import type { ResourceResult, Severity } from '../../src/core/types.js';
import { loadResources } from '../../src/input/load.js';

export interface ExpectedFinding {
  path: string;
  message: string;
  container?: string;
  /** Only for rules with inherited severity. */
  severity?: Severity;
  /** CloudFormation: the conditions under which the finding holds. */
  when?: string;
}

export interface OptionsCase {
  name: string;
  /** A fixture path relative to the rule's test folder. */
  file: string;
  options: unknown;
  expect: 'pass' | { skip: string } | { unknown: string } | ExpectedFinding[];
}

/** The findings a fail fixture gives; with `options` for rules that only fail once configured. */
export type FailExpectation = ExpectedFinding[] | { options: unknown; findings: ExpectedFinding[] };
/** The reason a skip or unknown fixture gives; with `options` where it depends on them. */
export type ReasonExpectation = string | { options: unknown; reason: string };

export interface RuleSpec {
  /** Test folder of the rule: `import.meta.dirname`. */
  dir: string;
  fail: Record<string, FailExpectation>;
  skip?: Record<string, ReasonExpectation>;
  unknown?: Record<string, ReasonExpectation>;
  /** Other rules in the same rule set (for rules that depend on other rules' findings). */
  with?: Rule[];
  /** Cases that run with non-default options. */
  options?: OptionsCase[];
}

const fixturesIn = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => /\.(json|ya?ml)$/.test(f))
        .sort()
    : [];

/** Evaluates a fixture with one rule; returns the results of the resources the rule applies to. */
export function runRule(rule: Rule, file: string, options?: unknown, companions: Rule[] = []): ResourceResult[] {
  const resources = loadResources(readFileSync(file, 'utf8'), file);
  const ruleSet = buildRuleSet('test', [rule, ...companions], (r) => ({ action: 'deny', options: r === rule ? options : undefined }));
  const evaluate = createEvaluator(ruleSet, { resolveTaskDefinition: indexTaskDefinitions(resources) });
  return resources.filter((r) => rule.appliesTo.includes(r.kind)).map(evaluate);
}

function assertOutcome(rule: Rule, results: ResourceResult[], outcome: OptionsCase['expect']): void {
  expect(results.length, 'the fixture holds no resource this rule applies to').toBeGreaterThan(0);
  const ruleResults = results.map((r) => r.rules.find((x) => x.ruleId === rule.id)!);
  if (outcome === 'pass') {
    for (const r of ruleResults)
      expect({ status: r.status, reason: r.reason, findings: r.findings }).toEqual({ status: 'pass', reason: undefined, findings: [] });
    return;
  }
  if (!Array.isArray(outcome)) {
    const [status, reason] = 'skip' in outcome ? ['skip', outcome.skip] : ['unknown', outcome.unknown];
    for (const r of ruleResults) expect({ status: r.status, reason: r.reason }).toEqual({ status, reason });
    return;
  }
  const findings = ruleResults.flatMap((r) => r.findings);
  expect(ruleResults.some((r) => r.status === 'fail')).toBe(true);
  expect(findings.map((f) => ({ ruleId: f.ruleId, path: f.path, message: f.message, container: f.container, severity: f.severity, when: f.when }))).toEqual(
    outcome.map((e) => ({
      ruleId: rule.id,
      path: e.path,
      message: e.message,
      container: e.container,
      severity: e.severity ?? rule.severity,
      when: e.when,
    })),
  );
  for (const f of findings) expect(f.remediation).toBe(rule.remediation);
}

export function testRule(rule: Rule, spec: RuleSpec): void {
  describe(`rule: ${rule.id}`, () => {
    const passFiles = fixturesIn(join(spec.dir, 'pass'));
    const failFiles = fixturesIn(join(spec.dir, 'fail'));
    const skipFiles = fixturesIn(join(spec.dir, 'skip'));
    const unknownFiles = fixturesIn(join(spec.dir, 'unknown'));

    it('has at least one pass and one fail fixture', () => {
      expect(passFiles.length).toBeGreaterThan(0);
      expect(failFiles.length).toBeGreaterThan(0);
    });

    it('lists an expectation for every fail, skip and unknown fixture, and a fixture for every expectation', () => {
      expect(Object.keys(spec.fail).sort()).toEqual(failFiles.map((f) => `fail/${f}`));
      expect(Object.keys(spec.skip ?? {}).sort()).toEqual(skipFiles.map((f) => `skip/${f}`));
      expect(Object.keys(spec.unknown ?? {}).sort()).toEqual(unknownFiles.map((f) => `unknown/${f}`));
    });

    for (const file of passFiles) {
      it(`passes pass/${file}`, () => assertOutcome(rule, runRule(rule, join(spec.dir, 'pass', file), undefined, spec.with), 'pass'));
    }
    for (const [file, expected] of Object.entries(spec.fail)) {
      const { options, findings } = Array.isArray(expected) ? { options: undefined, findings: expected } : expected;
      it(`fails ${file}`, () => assertOutcome(rule, runRule(rule, join(spec.dir, file), options, spec.with), findings));
    }
    for (const [file, expected] of Object.entries(spec.skip ?? {})) {
      const { options, reason } = typeof expected === 'string' ? { options: undefined, reason: expected } : expected;
      it(`skips ${file}`, () => assertOutcome(rule, runRule(rule, join(spec.dir, file), options, spec.with), { skip: reason }));
    }
    for (const [file, expected] of Object.entries(spec.unknown ?? {})) {
      const { options, reason } = typeof expected === 'string' ? { options: undefined, reason: expected } : expected;
      it(`cannot decide ${file}`, () => assertOutcome(rule, runRule(rule, join(spec.dir, file), options, spec.with), { unknown: reason }));
    }
    for (const c of spec.options ?? []) {
      it(`with options: ${c.name}`, () => assertOutcome(rule, runRule(rule, join(spec.dir, c.file), c.options, spec.with), c.expect));
    }
  });
}
