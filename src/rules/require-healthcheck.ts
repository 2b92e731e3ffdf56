import * as z from '../zod.js';
import { defineRule } from '../core/rule.js';
import { isSet } from '../core/unknown.js';
import { containerLabel, forEachContainer } from './_lib/task-definition.js';
import { lacksContainerField } from './_lib/containers.js';

export default defineRule({
  id: 'require-healthcheck',
  title: 'Require a health check on essential containers',
  description:
    'Fails when an essential container (`essential` absent or `true`), sidecars included, has no `healthCheck`, or one whose `command` is empty or `NONE` (which turns the image health check off).',
  rationale:
    'Without a container health check, ECS only knows whether the process is running: a hung or broken essential container keeps its task, and the deployment that introduced it, marked healthy and receiving traffic.',
  remediation:
    'Add `healthCheck` to every essential container, with a `command` such as `["CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"]` and suitable `interval`, `timeout`, `retries` and `startPeriod`.',
  severity: 'low',
  recommended: 'off',
  references: [
    { title: 'KICS: ECS task definition container without health check' },
    { title: 'Amazon ECS Developer Guide: determine Amazon ECS task health using container health checks' },
  ],
  appliesTo: ['taskDefinition', 'daemonTaskDefinition', 'expressService'],
  notApplicable: (_object, resource) => lacksContainerField(resource.kind, 'healthCheck'),
  options: z.strictObject({}),
  check(td, { report }, resource) {
    forEachContainer(resource, (container, path, name) => {
      if (container.essential === false) return;
      if (!isSet(() => container.healthCheck)) {
        report({ path: `${path}.healthCheck`, container: name, message: `${containerLabel(name, path)} is essential but has no health check.` });
        return;
      }
      const command = container.healthCheck!.command;
      if (!command || command.length === 0) {
        report({
          path: `${path}.healthCheck.command`,
          container: name,
          message: `${containerLabel(name, path)} is essential but its health check has no command.`,
        });
      } else if (command[0]?.toUpperCase() === 'NONE') {
        report({
          path: `${path}.healthCheck.command`,
          container: name,
          message: `${containerLabel(name, path)} is essential but its health check command is "NONE", which turns health checking off.`,
        });
      }
    });
  },
});
