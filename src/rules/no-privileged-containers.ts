import * as z from '../zod.js';
import { defineRule } from '../core/rule.js';
import { containerLabel, forEachContainer } from './_lib/task-definition.js';
import { lacksContainerField } from './_lib/containers.js';

export default defineRule({
  id: 'no-privileged-containers',
  title: 'Disallow privileged containers',
  description: 'Fails when any container, sidecars included, sets `privileged: true`.',
  rationale:
    'A privileged container gets every Linux capability and access to all host devices: a process in it can load kernel modules, mount the host file system and take over the container instance and every task on it.',
  remediation:
    'Remove `privileged` (or set it to `false`); if the container needs one specific privilege, add only that Linux capability under `linuxParameters.capabilities.add`.',
  severity: 'critical',
  recommended: 'deny',
  references: [
    { title: 'AWS Security Hub ECS.4', url: 'https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-4' },
    { title: 'AWS Config ecs-containers-nonprivileged', url: 'https://docs.aws.amazon.com/config/latest/developerguide/ecs-containers-nonprivileged.html' },
    { title: 'Checkov CKV_AWS_334' },
  ],
  appliesTo: ['taskDefinition', 'daemonTaskDefinition', 'expressService'],
  notApplicable: (_object, resource) => lacksContainerField(resource.kind, 'privileged'),
  options: z.strictObject({}),
  check(td, { report }, resource) {
    forEachContainer(resource, (container, path, name) => {
      if (container.privileged === true) {
        report({ path: `${path}.privileged`, container: name, message: `${containerLabel(name, path)} runs privileged.` });
      }
    });
  },
});
