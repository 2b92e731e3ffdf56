import * as z from '../zod.js';
import { defineRule } from '../core/rule.js';
import { isSet } from '../core/unknown.js';
import { isEc2Compatible } from './_lib/task-definition.js';
import { kindTitle } from '../core/types.js';

export default defineRule({
  id: 'require-task-role',
  title: 'Require a task role on EC2-compatible task definitions',
  description:
    'Fails when a task definition that can run on EC2 or ECS Anywhere (`requiresCompatibilities` absent or containing `EC2` or `EXTERNAL`) has no `taskRoleArn`, and when a daemon task definition (daemons run on container instances) has none.',
  rationale:
    'Without a task role, the AWS SDKs in the containers fall back to the credentials of the container instance role, shared by every task on the host and usually broader than any one task needs. A task role gives each task its own least-privilege credentials.',
  remediation:
    'Create an IAM role that trusts `ecs-tasks.amazonaws.com` with only the permissions the application needs, and set it as `taskRoleArn`; on EC2 instances also block task access to the instance metadata service (`ECS_AWSVPC_BLOCK_IMDS=true` or an iptables rule for bridge mode).',
  severity: 'medium',
  recommended: 'flag',
  references: [{ title: 'Amazon ECS best practices: task IAM roles' }, { title: 'Amazon ECS Developer Guide: Amazon ECS task IAM role' }],
  appliesTo: ['taskDefinition', 'daemonTaskDefinition'],
  options: z.strictObject({}),
  notApplicable: (td) => (isEc2Compatible(td) ? undefined : 'not an EC2-compatible task definition'),
  check(td, { report }, resource) {
    // `!GetAtt TaskRole.Arn` or `!Ref TaskRoleArn` is a role, whatever it resolves to.
    if (isSet(() => td.taskRoleArn)) return;
    report({
      path: 'taskRoleArn',
      message: `${kindTitle(resource.kind)} has no task role, so its containers fall back to the credentials of the container instance role.`,
    });
  },
});
