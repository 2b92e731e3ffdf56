import * as z from '../zod.js';
import { defineRule } from '../core/rule.js';
import { kindTitle } from '../core/types.js';
import { lacksField } from './_lib/containers.js';
import type { Workload } from '../core/types.js';

export default defineRule({
  id: 'no-public-ip',
  title: 'Disallow public IP addresses on tasks',
  description:
    'Fails when a service, task set or task sets `networkConfiguration.awsvpcConfiguration.assignPublicIp` to `ENABLED`. ECS compares this value exactly: another case (`enabled`) is an error of the input, never a pass.',
  rationale:
    'A task with a public IP address is reachable from the internet, guarded only by its security groups, and egresses without the controls of a NAT gateway or proxy. Tasks in private subnets behind a load balancer expose only what the load balancer forwards.',
  remediation:
    'Set `networkConfiguration.awsvpcConfiguration.assignPublicIp` to `DISABLED`, run the tasks in private subnets, and reach the internet through a NAT gateway or VPC endpoints.',
  severity: 'high',
  recommended: 'deny',
  references: [
    { title: 'AWS Security Hub ECS.2 (services)', url: 'https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-2' },
    { title: 'AWS Security Hub ECS.16 (task sets)', url: 'https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-16' },
    { title: 'Checkov CKV_AWS_333' },
  ],
  appliesTo: ['service', 'taskSet', 'task', 'daemon', 'expressService'],
  // Express services and daemons have no `assignPublicIp`: skipped, naming the missing field.
  notApplicable: (_workload, resource) => lacksField(resource.kind, 'networkConfiguration.awsvpcConfiguration.assignPublicIp'),
  options: z.strictObject({}),
  check(object, { report }, resource) {
    const workload = object as Workload;
    if (workload.networkConfiguration?.awsvpcConfiguration?.assignPublicIp === 'ENABLED') {
      report({
        path: 'networkConfiguration.awsvpcConfiguration.assignPublicIp',
        message: `${kindTitle(resource.kind)} assigns public IP addresses to its tasks.`,
      });
    }
  },
});
