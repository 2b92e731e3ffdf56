// The Lambda's settings, from ECS_ADMISSION_* environment variables (set by serverless.yml's
// parameters). A bad value stops every invocation with a message naming the variable: events then
// go to the retry and dead-letter path instead of being judged with a setting nobody chose.
import * as z from '../zod.js';
import { DEFAULT_OWNER_TAGS } from '../admission/plan.js';
import { parseObjectUrl } from '../policy/bundle-versions.js';

/** Where the serverless plugin puts the compiled policies in the package (serverless.yml). */
export const COMPILED_POLICIES = 'compiled/policies.json';

const list = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const optional = z.pipe(
  z.optional(z.string().check(z.trim())),
  z.transform((v) => (v ? v : undefined)),
);

const Env = z.object({
  ECS_ADMISSION_MODE: z._default(z.enum(['audit', 'enforce']), 'audit'),
  ECS_ADMISSION_TOPIC_ARN: optional,
  ECS_ADMISSION_CHATBOT_TOPIC_ARN: optional,
  ECS_ADMISSION_ALERT_FORMAT: z._default(z.enum(['json', 'chatbot']), 'json'),
  ECS_ADMISSION_POLICIES: z._default(
    z.string().check(
      z.trim(),
      z.minLength(1),
      z.refine((v) => !v.startsWith('s3:') || parseObjectUrl(v) !== undefined, 'expected s3://<bucket>/<key> or a file path'),
    ),
    COMPILED_POLICIES,
  ),
  ECS_ADMISSION_POLICIES_CHECK_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(0)), 60),
  ECS_ADMISSION_MAX_ACTIONS: z._default(z.coerce.number().check(z.int(), z.minimum(0)), 10),
  ECS_ADMISSION_BUDGET_ACTIONS: z._default(z.coerce.number().check(z.int(), z.minimum(0)), 20),
  ECS_ADMISSION_BUDGET_WINDOW_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(1)), 300),
  ECS_ADMISSION_MODE_PARAMETER: optional,
  ECS_ADMISSION_MODE_PARAMETER_MAX_AGE: z._default(z.coerce.number().check(z.int(), z.minimum(0)), 30),
  ECS_ADMISSION_OWNER_TAGS: z.pipe(z._default(z.string(), DEFAULT_OWNER_TAGS.join(',')), z.transform(list)),
  ECS_ADMISSION_LEDGER_TABLE: optional,
  ECS_ADMISSION_ROLE_ARN: optional,
  ECS_ADMISSION_MEMBER_ROLE_NAME: optional,
  ECS_ADMISSION_REPORT_BLOCKED: z._default(z.enum(['true', 'false']), 'false'),
});

export interface LambdaConfig {
  /** `audit` forces audit mode whatever the policies say; `enforce` lets each policy's mode decide. */
  mode: 'audit' | 'enforce';
  topicArn: string | undefined;
  chatbotTopicArn: string | undefined;
  alertFormat: 'json' | 'chatbot';
  /**
   * The compiled policies (`ecs-admission compile`): one JSON file, relative to the working
   * directory (the package root), or `s3://bucket/key` (`ecs-admission policy push`), followed
   * by version.
   */
  policies: string;
  /** For policies in S3: the least time between two checks of the object's version. */
  policiesCheckSeconds: number;
  /** Destructive actions one invocation may carry out; beyond it, resources are flagged. */
  maxActions: number;
  /** Destructive actions per account within `budget.windowSeconds`, across all invocations. */
  budget: { actions: number; windowSeconds: number };
  /**
   * The kill switch: an SSM parameter whose value `audit` turns enforcement off without a
   * redeploy, read at most every `maxAgeSeconds`.
   */
  modeParameter: { name: string; maxAgeSeconds: number } | undefined;
  ownerTags: string[];
  /** Without a table, duplicates are caught only within one Lambda container. */
  ledgerTable: string | undefined;
  ownRoleArn: string | undefined;
  /**
   * A hub's member role (ECS_ADMISSION_MEMBER_ROLE_NAME): events of other accounts and Regions are
   * read and enforced through it. Unset: this function acts in its own account and Region only.
   */
  memberRoleName: string | undefined;
  /** ECS calls AWS refused with AccessDenied (a guardrail) are reported as `blocked` decisions. */
  reportBlocked?: boolean;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function readConfig(env: Record<string, string | undefined>): LambdaConfig {
  // An empty variable means "not set" (CloudFormation cannot leave a variable out).
  const present = Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith('ECS_ADMISSION_') && v !== ''));
  const parsed = Env.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}=${JSON.stringify(present[String(i.path[0])])}: ${i.message}`);
    throw new ConfigError(`invalid ecs-admission settings: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  return {
    mode: e.ECS_ADMISSION_MODE,
    topicArn: e.ECS_ADMISSION_TOPIC_ARN,
    chatbotTopicArn: e.ECS_ADMISSION_CHATBOT_TOPIC_ARN,
    alertFormat: e.ECS_ADMISSION_ALERT_FORMAT,
    policies: e.ECS_ADMISSION_POLICIES,
    policiesCheckSeconds: e.ECS_ADMISSION_POLICIES_CHECK_SECONDS,
    maxActions: e.ECS_ADMISSION_MAX_ACTIONS,
    budget: { actions: e.ECS_ADMISSION_BUDGET_ACTIONS, windowSeconds: e.ECS_ADMISSION_BUDGET_WINDOW_SECONDS },
    modeParameter: e.ECS_ADMISSION_MODE_PARAMETER ? { name: e.ECS_ADMISSION_MODE_PARAMETER, maxAgeSeconds: e.ECS_ADMISSION_MODE_PARAMETER_MAX_AGE } : undefined,
    ownerTags: e.ECS_ADMISSION_OWNER_TAGS,
    ledgerTable: e.ECS_ADMISSION_LEDGER_TABLE,
    ownRoleArn: e.ECS_ADMISSION_ROLE_ARN,
    memberRoleName: e.ECS_ADMISSION_MEMBER_ROLE_NAME,
    reportBlocked: e.ECS_ADMISSION_REPORT_BLOCKED === 'true',
  };
}
