import * as z from '../zod.js';
import { defineRule } from '../core/rule.js';
import { isSet } from '../core/unknown.js';
import { containerLabel, forEachContainer, isEc2Compatible } from './_lib/task-definition.js';
import { lacksContainerField } from './_lib/containers.js';

export default defineRule({
  id: 'require-memory-limit',
  title: 'Require a hard memory limit on EC2-compatible task definitions',
  description:
    'Fails for each container without `memory` (a hard limit; `memoryReservation` is only a soft one) in an EC2-compatible task definition that sets no task-level `memory`.',
  rationale:
    'On EC2 and ECS Anywhere a container without a hard memory limit, in a task without one, can use all the memory of the instance: a leak or a memory-hungry process starves every other task on the host and can get the ECS agent killed.',
  remediation:
    'Set task-level `memory`, or `memory` (the hard limit, in MiB) on every container; keep `memoryReservation` for the soft limit used for placement.',
  severity: 'low',
  recommended: 'flag',
  references: [
    {
      title: 'AWS Config ecs-task-definition-memory-hard-limit',
      url: 'https://docs.aws.amazon.com/config/latest/developerguide/ecs-task-definition-memory-hard-limit.html',
    },
  ],
  appliesTo: ['taskDefinition', 'daemonTaskDefinition', 'expressService'],
  options: z.strictObject({}),
  notApplicable: (td, resource) => lacksContainerField(resource.kind, 'memory') ?? (isEc2Compatible(td) ? undefined : 'not an EC2-compatible task definition'),
  check(td, { report }, resource) {
    if (isSet(() => td.memory)) return;
    forEachContainer(resource, (container, path, name) => {
      if (isSet(() => container.memory)) return;
      report({
        path: `${path}.memory`,
        container: name,
        message: `${containerLabel(name, path)} has no hard memory limit and the task definition sets no task-level memory.`,
      });
    });
  },
});
