import * as z from '../zod.js';
import { ACTIONS, type ResourceResult, type RuleStatus } from '../core/types.js';

/**
 * A policy test suite, as `kyverno test` or `gator verify` have them: resources (fixture files)
 * and the result each rule must give on them.
 */
const Expectation = z.union([
  z
    .enum(['pass', 'fail', 'skip', 'unknown', 'error', 'off'])
    .check(z.describe('`skip`: the rule does not apply; `unknown`: it could not decide (a value unknown offline); `off`: it must not run on this resource')),
  z.strictObject({
    result: z.enum(['pass', 'fail', 'skip', 'unknown', 'error']),
    count: z.optional(z.int().check(z.nonnegative())).check(z.describe('number of findings')),
    message: z.optional(z.string()).check(z.describe('a substring of some finding message')),
    action: z.optional(z.enum(ACTIONS)).check(z.describe('the action of the findings')),
    decidedBy: z.optional(z.string()).check(z.describe('the policy that decided')),
    excepted: z.optional(z.boolean()).check(z.describe('whether the findings are suspended by an exception')),
  }),
]);

export const SuiteSchema = z.strictObject({
  apiVersion: z.literal('ecs-admission/v1'),
  kind: z.literal('PolicyTest'),
  name: z.optional(z.string()),
  policies: z.array(z.string().check(z.minLength(1))).check(z.minLength(1), z.describe('policy files or presets, relative to the suite file')),
  now: z.optional(z.iso.date()).check(z.describe('the date the suite runs at (exceptions expire)')),
  cases: z
    .array(
      z.strictObject({
        name: z.string().check(z.minLength(1)),
        resource: z.string().check(z.minLength(1), z.describe('a fixture file, relative to the suite file')),
        /** Which resource of the file, by name, when it holds several. */
        select: z.optional(z.string()),
        context: z.optional(
          z.strictObject({ account: z.optional(z.string()), region: z.optional(z.string()), organizationalUnits: z.optional(z.array(z.string())) }),
        ),
        expect: z.record(z.string(), Expectation),
      }),
    )
    .check(z.minLength(1)),
});

export type Suite = z.infer<typeof SuiteSchema>;
export type Expectation = z.infer<typeof Expectation>;

/** What differs between an expectation and the result of one rule; empty when it holds. */
export function mismatches(ruleId: string, expectation: Expectation, result: ResourceResult): string[] {
  const rule = result.rules.find((r) => r.ruleId === ruleId);
  const expected = typeof expectation === 'string' ? { result: expectation } : expectation;
  if (expected.result === 'off') return rule ? [`${ruleId}: expected the rule to be off, it ran (${rule.status})`] : [];
  if (!rule) return [`${ruleId}: expected ${expected.result}, but the rule did not run (off, or not for a ${result.resource.kind})`];
  const problems: string[] = [];
  const status: RuleStatus = rule.status;
  if (status !== expected.result) problems.push(`${ruleId}: expected ${expected.result}, got ${status}${rule.reason ? ` (${rule.reason})` : ''}`);
  if (typeof expectation === 'string') return problems;
  const findings = rule.findings;
  if (expectation.count !== undefined && findings.length !== expectation.count) {
    problems.push(`${ruleId}: expected ${expectation.count} finding(s), got ${findings.length}`);
  }
  if (expectation.message !== undefined && !findings.some((f) => f.message.includes(expectation.message!))) {
    problems.push(
      `${ruleId}: no finding message contains "${expectation.message}" (messages: ${findings.map((f) => JSON.stringify(f.message)).join(', ') || 'none'})`,
    );
  }
  if (expectation.action !== undefined && findings.some((f) => f.action !== expectation.action)) {
    problems.push(`${ruleId}: expected action ${expectation.action}, got ${[...new Set(findings.map((f) => f.action))].join(', ')}`);
  }
  if (expectation.decidedBy !== undefined && findings.some((f) => f.decidedBy !== expectation.decidedBy)) {
    problems.push(`${ruleId}: expected decided by ${expectation.decidedBy}, got ${[...new Set(findings.map((f) => f.decidedBy))].join(', ')}`);
  }
  if (expectation.excepted !== undefined && findings.some((f) => Boolean(f.exception) !== expectation.excepted)) {
    problems.push(`${ruleId}: expected findings ${expectation.excepted ? '' : 'not '}to be excepted`);
  }
  return problems;
}
