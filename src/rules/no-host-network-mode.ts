import * as z from '../zod.js';
import { defineRule } from '../core/rule.js';
import { lacksField } from './_lib/containers.js';
import type { TaskDefinition } from '../core/types.js';

export default defineRule({
  id: 'no-host-network-mode',
  title: 'Disallow the host network mode',
  description:
    'Fails when the task definition sets `networkMode` to `host`. ECS compares this value exactly: another case (`HOST`) is an error of the input, never a pass.',
  rationale:
    "With the host network mode the containers share the container instance's network stack: they can bind any host port, reach services listening on the instance's loopback interface (the ECS agent introspection API among them) and bypass the isolation that task security groups give in awsvpc mode.",
  remediation: 'Set `networkMode` to `awsvpc` (or `bridge` when the task runs on EC2 and needs dynamic port mapping).',
  severity: 'high',
  recommended: 'deny',
  references: [
    { title: 'AWS Security Hub ECS.17', url: 'https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-17' },
    {
      title: 'AWS Config ecs-task-definition-network-mode-not-host',
      url: 'https://docs.aws.amazon.com/config/latest/developerguide/ecs-task-definition-network-mode-not-host.html',
    },
  ],
  appliesTo: ['taskDefinition', 'daemonTaskDefinition'],
  notApplicable: (_td, resource) => lacksField(resource.kind, 'networkMode'),
  options: z.strictObject({}),
  check(object, { report }) {
    // Only task definitions have a network mode (notApplicable).
    if ((object as TaskDefinition).networkMode === 'host') report({ path: 'networkMode', message: 'Task definition uses network mode "host".' });
  },
});
