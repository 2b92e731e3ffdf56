import * as z from '../zod.js';
import { defineRule } from '../core/rule.js';
import type { TaskDefinition } from '../core/types.js';
import { UnknownValueError } from '../core/unknown.js';
import { lastSegment, parseArn } from '../core/identity.js';
import { kindTitle } from '../core/types.js';

type Read = { known: string | undefined } | { unknown: UnknownValueError };

/** Reads a role field; a CloudFormation intrinsic gives its expression instead of throwing. */
function read(td: TaskDefinition, field: 'taskRoleArn' | 'executionRoleArn'): Read {
  try {
    const value = td[field];
    return { known: typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined };
  } catch (error) {
    if (error instanceof UnknownValueError) return { unknown: error };
    throw error;
  }
}

/**
 * A role named by ARN (`arn:aws:iam::123456789012:role/path/name`) or by name. Role names are unique
 * in an account whatever their path, and IAM does not tell them apart by case.
 */
// Role ARNs repeat across every task definition of an account: parse each once (bounded).
const identities = new Map<string, { account?: string; name: string }>();

function roleIdentity(value: string): { account?: string; name: string } {
  let identity = identities.get(value);
  if (!identity) {
    identity = parseRole(value);
    if (identities.size >= 10_000) identities.clear();
    identities.set(value, identity);
  }
  return identity;
}

function parseRole(value: string): { account?: string; name: string } {
  const arn = parseArn(value);
  const name = lastSegment(value).toLowerCase();
  return arn?.service === 'iam' && arn.resource.startsWith('role/') && arn.account ? { account: arn.account, name } : { name };
}

function sameRole(a: string, b: string): boolean {
  if (a === b) return true;
  const x = roleIdentity(a);
  const y = roleIdentity(b);
  return x.name === y.name && (x.account === undefined || y.account === undefined || x.account === y.account);
}

/**
 * What a CloudFormation role expression names: `!Ref X` and `!GetAtt X.Arn` both name X (its name and
 * its ARN). `!GetAtt` only applies to resources, so two different `!GetAtt <Role>.Arn` are two roles.
 */
function roleExpression(expression: string): { id: string; resource: boolean } | undefined {
  const getAtt = /^!GetAtt ([A-Za-z0-9]+)\.Arn$/.exec(expression);
  if (getAtt) return { id: getAtt[1]!, resource: true };
  const ref = /^!Ref ([A-Za-z0-9]+)$/.exec(expression);
  return ref ? { id: ref[1]!, resource: false } : undefined;
}

/** true: same role; false: different roles; undefined: cannot tell offline. */
function sameExpression(a: string, b: string): boolean | undefined {
  if (a === b) return true;
  const x = roleExpression(a);
  const y = roleExpression(b);
  if (!x || !y) return undefined;
  if (x.id === y.id) return true;
  return x.resource && y.resource ? false : undefined;
}

export default defineRule({
  id: 'no-shared-task-and-execution-role',
  title: 'Disallow using the execution role as the task role',
  description:
    'Fails when `taskRoleArn` and `executionRoleArn` name the same IAM role (compared by account and role name, so an ARN and a bare name of the same role match; in CloudFormation, `!Ref <Role>` or `!GetAtt <Role>.Arn` of the same role resource).',
  rationale:
    'The execution role is for the ECS agent: it pulls images and reads the secrets of every container. Used as the task role, it hands the application those permissions too, so any code running in the task can read every secret and image the agent can.',
  remediation:
    'Create a separate task role with only the permissions the application needs and set it as `taskRoleArn`; keep `executionRoleArn` for image pulls, log delivery and secret retrieval.',
  severity: 'medium',
  recommended: 'flag',
  references: [{ title: 'Checkov CKV_AWS_249' }, { title: 'Amazon ECS Developer Guide: Amazon ECS task execution IAM role' }],
  appliesTo: ['taskDefinition', 'daemonTaskDefinition', 'expressService'],
  options: z.strictObject({}),
  check(td, { report }, resource) {
    const title = kindTitle(resource.kind);
    const task = read(td, 'taskRoleArn');
    const execution = read(td, 'executionRoleArn');
    if (('known' in task && task.known === undefined) || ('known' in execution && execution.known === undefined)) return;
    if ('known' in task && 'known' in execution) {
      if (sameRole(task.known!, execution.known!)) {
        report({ path: 'taskRoleArn', message: `${title} uses role "${task.known!}" as both its task role and its execution role.` });
      }
      return;
    }
    // Two fields absent from a partial request (UpdateExpressGatewayService) are unknown, not the same expression.
    if ('unknown' in task && 'unknown' in execution && !task.unknown.absent && !execution.unknown.absent) {
      const same = sameExpression(task.unknown.expression, execution.unknown.expression);
      if (same === true) {
        report({
          path: 'taskRoleArn',
          message: `${title} uses the same role (${task.unknown.expression}) as both its task role and its execution role.`,
        });
      }
      if (same !== undefined) return;
    }
    // A literal and an intrinsic, or intrinsics such as two parameters: they may resolve to the same role.
    throw 'unknown' in task ? task.unknown : (execution as { unknown: UnknownValueError }).unknown;
  },
});
