import * as z from '../zod.js';
import { defineRule } from '../core/rule.js';
import { isSet } from '../core/unknown.js';
import { containerLabel, forEachContainer } from './_lib/task-definition.js';
import { lacksContainerField } from './_lib/containers.js';

export default defineRule({
  id: 'require-log-configuration',
  title: 'Require a log configuration for every container',
  description: 'Fails when a container, sidecars included, has no `logConfiguration.logDriver`.',
  rationale:
    'Without a log driver the container writes only to the Docker daemon default on the instance (on Fargate, nowhere that outlives the task), so its output is lost for incident response, auditing and debugging once the task stops.',
  remediation:
    'Set `logConfiguration.logDriver` on every container, for example `awslogs` with the `awslogs-group`, `awslogs-region` and `awslogs-stream-prefix` options, or `awsfirelens` to route through a FireLens log router.',
  severity: 'medium',
  recommended: 'flag',
  references: [
    { title: 'AWS Security Hub ECS.9', url: 'https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-9' },
    {
      title: 'AWS Config ecs-task-definition-log-configuration',
      url: 'https://docs.aws.amazon.com/config/latest/developerguide/ecs-task-definition-log-configuration.html',
    },
  ],
  appliesTo: ['taskDefinition', 'daemonTaskDefinition', 'expressService'],
  notApplicable: (_object, resource) => lacksContainerField(resource.kind, 'logConfiguration'),
  options: z.strictObject({}),
  check(td, { report }, resource) {
    forEachContainer(resource, (container, path, name) => {
      // Presence is all this rule needs: a `!Ref LogDriver` is a log driver, whatever its value.
      if (!isSet(() => container.logConfiguration)) {
        report({ path: `${path}.logConfiguration`, container: name, message: `${containerLabel(name, path)} has no log configuration.` });
      } else if (!isSet(() => container.logConfiguration!.logDriver)) {
        report({
          path: `${path}.logConfiguration.logDriver`,
          container: name,
          message: `${containerLabel(name, path)} has a log configuration without a log driver.`,
        });
      }
    });
  },
});
