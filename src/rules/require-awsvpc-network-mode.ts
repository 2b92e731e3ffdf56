import * as z from '../zod.js';
import { defineRule } from '../core/rule.js';
import { isWindows } from './_lib/task-definition.js';
import { lacksField } from './_lib/containers.js';
import type { TaskDefinition } from '../core/types.js';

export default defineRule({
  id: 'require-awsvpc-network-mode',
  title: 'Require the awsvpc network mode',
  description:
    'Fails when `networkMode` is not `awsvpc`; an absent `networkMode` fails too, since it means `bridge` on EC2. ECS compares this value exactly: another case (`AWSVPC`) is an error of the input, never a pass.',
  rationale:
    "Only in awsvpc mode does each task get its own network interface, its own security groups and VPC flow logs of its own; in bridge, host or none mode tasks share the container instance's interface and its security groups, so network access cannot be limited per task.",
  remediation:
    'Set `networkMode` to `awsvpc`, and give the services and tasks that use it a `networkConfiguration.awsvpcConfiguration` with private subnets and security groups.',
  severity: 'low',
  recommended: 'flag',
  references: [
    { title: 'AWS Config ecs-awsvpc-networking-enabled', url: 'https://docs.aws.amazon.com/config/latest/developerguide/ecs-awsvpc-networking-enabled.html' },
    { title: 'KICS ECS Task Definition Network Mode Not Recommended' },
    {
      title: 'Amazon ECS task networking options for the EC2 launch type',
      url: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-networking.html',
    },
  ],
  appliesTo: ['taskDefinition', 'daemonTaskDefinition'],
  notApplicable: (_td, resource) => lacksField(resource.kind, 'networkMode'),
  options: z.strictObject({}),
  check(object, { report }) {
    // Only task definitions have a network mode (notApplicable).
    const td = object as TaskDefinition;
    const mode = td.networkMode;
    if (mode === 'awsvpc') return;
    if (mode === undefined || mode === '') {
      const means = isWindows(td) ? 'the default (NAT) network mode on Windows' : 'network mode "bridge" on EC2';
      report({ path: 'networkMode', message: `Task definition sets no network mode, which means ${means}, not "awsvpc".` });
    } else {
      report({ path: 'networkMode', message: `Task definition uses network mode "${mode}", not "awsvpc".` });
    }
  },
});
