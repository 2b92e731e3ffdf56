import * as z from '../zod.js';
import { ACTIONS, ON_ERROR, RESOURCE_KINDS, SEVERITIES } from '../core/types.js';

/**
 * The policy file format: one zod schema gives the TypeScript types, the validation (unknown
 * fields are errors) and `policies/policy.schema.json` for editors.
 */

/** An OU id (`ou-ab12-cd34ef56`), or a glob of them (`ou-ab12-*`). */
const OU_PATTERN = /^ou-[a-z0-9*?{}[\],!-]+$/;

const globs = z.array(z.string().check(z.minLength(1))).check(z.describe('glob patterns (`*` within a segment, `**` across)'));

export const MatchSchema = z
  .strictObject({
    accounts: z.optional(globs).check(z.describe('AWS account ids')),
    organizationalUnits: z
      .optional(z.array(z.string().check(z.minLength(1), z.regex(OU_PATTERN, 'expected organizational unit ids: ou-<root>-<unit> (glob characters allowed)'))))
      .check(
        z.describe(
          'AWS Organizations OU ids (ou-xxxx-yyyyyyyy); an account under a listed OU, at any depth, matches. Looked up by the Lambdas; offline (check) nothing matches',
        ),
      ),
    regions: z.optional(globs).check(z.describe('AWS regions, e.g. "eu-*"')),
    clusters: z.optional(globs).check(z.describe('cluster names (or ARNs)')),
    families: z.optional(globs).check(z.describe('task definition families (for workloads: the family they run)')),
    services: z.optional(globs).check(z.describe('service names (task sets: their service)')),
    kinds: z.optional(z.array(z.enum(RESOURCE_KINDS))).check(z.describe('resource kinds')),
    tags: z.optional(z.record(z.string(), z.string())).check(z.describe('tags the resource must carry; values are globs')),
  })
  .check(z.describe('every listed condition must hold; a field that is absent matches everything'));

const onError = z.enum(ON_ERROR).check(z.describe('what an error of the rule counts as: a deny finding, a flag finding, or nothing (default flag)'));

export const RuleOverrideSchema = z.union([
  z.enum(ACTIONS).check(z.describe('shorthand for { action }')),
  z.strictObject({
    action: z.optional(z.enum(ACTIONS)),
    severity: z.optional(z.enum(SEVERITIES)),
    options: z.optional(z.record(z.string(), z.unknown())).check(z.describe("validated against the rule's own options schema")),
    onError: z.optional(onError),
  }),
]);

export const CustomRuleSchema = z.strictObject({
  id: z.string().check(z.regex(/^[a-z][a-z0-9-]*$/, 'ids are kebab-case: lower-case letters, digits and dashes')),
  appliesTo: z.array(z.enum(RESOURCE_KINDS)).check(z.minLength(1)),
  expression: z.string().check(z.minLength(1), z.describe('CEL; true means the resource passes. Variables: object, request')),
  message: z.optional(z.string().check(z.minLength(1))),
  messageExpression: z.optional(z.string().check(z.minLength(1))).check(z.describe('CEL giving the message string')),
  severity: z.enum(SEVERITIES),
  action: z._default(z.enum(ACTIONS), 'flag'),
  onError: z.optional(onError),
  title: z.optional(z.string()),
  description: z.optional(z.string()),
  remediation: z.optional(z.string()),
  path: z.optional(z.string()).check(z.describe('JSON path of the field the finding points at')),
});

const date = z.iso.date().check(z.describe('YYYY-MM-DD'));

export const ExceptionSchema = z.strictObject({
  rules: z.array(z.string().check(z.minLength(1))).check(z.minLength(1), z.describe('rule ids the exception suspends')),
  match: z.optional(MatchSchema),
  containers: z.optional(globs).check(z.describe('only findings on these containers')),
  reason: z.string().check(z.minLength(10, 'give a reason of at least 10 characters')),
  owner: z.optional(z.string().check(z.minLength(1))),
  expires: date,
});

export const PolicySchema = z.strictObject({
  $schema: z.optional(z.string()),
  apiVersion: z.literal('ecs-admission/v1'),
  kind: z.literal('Policy'),
  metadata: z.strictObject({
    name: z.string().check(z.regex(/^[a-z0-9][a-z0-9-]*$/, 'names are kebab-case')),
    description: z.optional(z.string()),
    owner: z.optional(z.string()),
  }),
  spec: z.strictObject({
    mode: z._default(z.enum(['audit', 'enforce']), 'audit'),
    onError: z.optional(onError).check(z.describe("the policy's default for its rules: what a rule error counts as (default flag)")),
    extends: z._default(z.array(z.string().check(z.minLength(1))), []).check(z.describe('recommended | strict | a path to another policy file')),
    match: z.optional(MatchSchema),
    exclude: z.optional(MatchSchema),
    rules: z._default(z.record(z.string(), RuleOverrideSchema), {}),
    customRules: z._default(z.array(CustomRuleSchema), []),
    exceptions: z._default(z.array(ExceptionSchema), []),
    maxExceptionDays: z.optional(z.int().check(z.positive())).check(z.describe('longest an exception may run, from today')),
  }),
});

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
