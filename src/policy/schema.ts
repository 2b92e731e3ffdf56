import * as z from 'zod';
import { ACTIONS, RESOURCE_KINDS, SEVERITIES } from '../core/types.js';

/**
 * The policy file format: one zod schema gives the TypeScript types, the validation (unknown
 * fields are errors) and `policies/policy.schema.json` for editors.
 */

const globs = z.array(z.string().min(1)).describe('glob patterns (`*` within a segment, `**` across)');

export const MatchSchema = z
  .object({
    accounts: globs.optional().describe('AWS account ids'),
    regions: globs.optional().describe('AWS regions, e.g. "eu-*"'),
    clusters: globs.optional().describe('cluster names (or ARNs)'),
    families: globs.optional().describe('task definition families (for workloads: the family they run)'),
    services: globs.optional().describe('service names (task sets: their service)'),
    kinds: z.array(z.enum(RESOURCE_KINDS)).optional().describe('resource kinds'),
    tags: z.record(z.string(), z.string()).optional().describe('tags the resource must carry; values are globs'),
  })
  .strict()
  .describe('every listed condition must hold; a field that is absent matches everything');

export const RuleOverrideSchema = z.union([
  z.enum(ACTIONS).describe('shorthand for { action }'),
  z
    .object({
      action: z.enum(ACTIONS).optional(),
      severity: z.enum(SEVERITIES).optional(),
      options: z.record(z.string(), z.unknown()).optional().describe("validated against the rule's own options schema"),
    })
    .strict(),
]);

export const CustomRuleSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'ids are kebab-case: lower-case letters, digits and dashes'),
    appliesTo: z.array(z.enum(RESOURCE_KINDS)).min(1),
    expression: z.string().min(1).describe('CEL; true means the resource passes. Variables: object, request'),
    message: z.string().min(1).optional(),
    messageExpression: z.string().min(1).optional().describe('CEL giving the message string'),
    severity: z.enum(SEVERITIES),
    action: z.enum(ACTIONS).default('flag'),
    title: z.string().optional(),
    description: z.string().optional(),
    remediation: z.string().optional(),
    path: z.string().optional().describe('JSON path of the field the finding points at'),
  })
  .strict();

const date = z.iso.date().describe('YYYY-MM-DD');

export const ExceptionSchema = z
  .object({
    rules: z.array(z.string().min(1)).min(1).describe('rule ids the exception suspends'),
    match: MatchSchema.optional(),
    containers: globs.optional().describe('only findings on these containers'),
    reason: z.string().min(10, 'give a reason of at least 10 characters'),
    owner: z.string().min(1).optional(),
    expires: date,
  })
  .strict();

export const PolicySchema = z
  .object({
    $schema: z.string().optional(),
    apiVersion: z.literal('ecs-admission/v1'),
    kind: z.literal('Policy'),
    metadata: z
      .object({
        name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'names are kebab-case'),
        description: z.string().optional(),
        owner: z.string().optional(),
      })
      .strict(),
    spec: z
      .object({
        mode: z.enum(['audit', 'enforce']).default('audit'),
        extends: z.array(z.string().min(1)).default([]).describe('recommended | strict | a path to another policy file'),
        match: MatchSchema.optional(),
        exclude: MatchSchema.optional(),
        rules: z.record(z.string(), RuleOverrideSchema).default({}),
        customRules: z.array(CustomRuleSchema).default([]),
        exceptions: z.array(ExceptionSchema).default([]),
        maxExceptionDays: z.number().int().positive().optional().describe('longest an exception may run, from today'),
      })
      .strict(),
  })
  .strict();

export type Match = z.infer<typeof MatchSchema>;
export type PolicyDocument = z.infer<typeof PolicySchema>;
export type ExceptionSpec = z.infer<typeof ExceptionSchema>;
export type RuleOverride = z.infer<typeof RuleOverrideSchema>;

/** The JSON Schema editors use (`# yaml-language-server: $schema=./policy.schema.json`). */
export function policyJsonSchema(): object {
  return {
    ...z.toJSONSchema(PolicySchema, { io: 'input', target: 'draft-7' }),
    $id: 'https://ecs-admission.dev/schemas/policy-v1.json',
    title: 'ecs-admission policy',
  };
}
