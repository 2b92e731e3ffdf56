import * as z from '../zod.js';
import { defineRule } from '../core/rule.js';
import { containerLabel, forEachContainer, isWindows } from './_lib/task-definition.js';
import { lacksContainerField } from './_lib/containers.js';

export default defineRule({
  id: 'require-readonly-root-filesystem',
  title: 'Require read-only root file systems',
  description:
    'Fails when a container, sidecars included, does not set `readonlyRootFilesystem: true`; an absent `readonlyRootFilesystem` fails, since the default is a writable root file system. Windows task definitions are skipped: Windows containers do not support the parameter.',
  rationale:
    "A writable root file system lets an attacker who gains code execution drop tools, replace binaries or persist changes for the life of the task. A read-only root file system, with writable volumes only where the application needs them, makes such tampering much harder and the container's behaviour predictable.",
  remediation:
    'Set `readonlyRootFilesystem: true` in every container definition; mount a volume (for example a bind mount declared in `volumes` and `mountPoints`) at each path the application must write, such as `/tmp`.',
  severity: 'medium',
  recommended: 'flag',
  references: [
    { title: 'AWS Security Hub ECS.5', url: 'https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-5' },
    { title: 'AWS Config ecs-containers-readonly-access', url: 'https://docs.aws.amazon.com/config/latest/developerguide/ecs-containers-readonly-access.html' },
    { title: 'Checkov CKV_AWS_336' },
  ],
  appliesTo: ['taskDefinition', 'daemonTaskDefinition', 'expressService'],
  options: z.strictObject({}),
  // Windows containers do not support readonlyRootFilesystem (ContainerDefinition API reference).
  notApplicable: (td, resource) => lacksContainerField(resource.kind, 'readonlyRootFilesystem') ?? (isWindows(td) ? 'not a Linux task definition' : undefined),
  check(td, { report }, resource) {
    forEachContainer(resource, (container, path, name) => {
      const value = container.readonlyRootFilesystem;
      if (value === true) return;
      const message =
        value === undefined
          ? `${containerLabel(name, path)} does not set readonlyRootFilesystem, so its root file system is writable.`
          : `${containerLabel(name, path)} has a writable root file system (readonlyRootFilesystem is ${JSON.stringify(value)}).`;
      report({ path: `${path}.readonlyRootFilesystem`, container: name, message });
    });
  },
});
