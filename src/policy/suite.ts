import * as z from 'zod';
import { ACTIONS, type ResourceResult, type RuleStatus } from '../core/types.js';

/**
 * A policy test suite, as `kyverno test` or `gator verify` have them: resources (fixture files)
 * and the result each rule must give on them.
 */
const Expectation = z.union([
  z.enum(['pass', 'fail', 'skip', 'error', 'off']).describe('`off`: the rule must not run on this resource'),
  z
    .object({
      result: z.enum(['pass', 'fail', 'skip', 'error']),
      count: z.number().int().nonnegative().optional().describe('number of findings'),
      message: z.string().optional().describe('a substring of some finding message'),
      action: z.enum(ACTIONS).optional().describe('the action of the findings'),
      decidedBy: z.string().optional().describe('the policy that decided'),
      excepted: z.boolean().optional().describe('whether the findings are suspended by an exception'),
    })
    .strict(),
]);

export const SuiteSchema = z
  .object({
    apiVersion: z.literal('ecs-admission/v1'),
    kind: z.literal('PolicyTest'),
    name: z.string().optional(),
    policies: z.array(z.string().min(1)).min(1).describe('policy files or presets, relative to the suite file'),
    now: z.iso.date().optional().describe('the date the suite runs at (exceptions expire)'),
    cases: z
      .array(
        z
          .object({
            name: z.string().min(1),
            resource: z.string().min(1).describe('a fixture file, relative to the suite file'),
            /** Which resource of the file, by name, when it holds several. */
            select: z.string().optional(),
            context: z.object({ account: z.string().optional(), region: z.string().optional() }).strict().optional(),
            expect: z.record(z.string(), Expectation),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

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
    problems.push(`${ruleId}: no finding message contains "${expectation.message}" (messages: ${findings.map((f) => JSON.stringify(f.message)).join(', ') || 'none'})`);
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
