import * as z from '../zod.js';
import { defineRule } from '../core/rule.js';
import { containerLabel, forEachContainer, isWindows } from './_lib/task-definition.js';
import { lacksContainerField } from './_lib/containers.js';

/** `ALL`, in any case, with or without the `CAP_` prefix. */
const isAll = (capability: unknown): boolean => typeof capability === 'string' && /^(?:CAP_)?ALL$/i.test(capability.trim());

export default defineRule({
  id: 'require-drop-all-capabilities',
  title: 'Require dropping all Linux capabilities',
  description:
    'Fails when a container, sidecars included, does not list `ALL` under `linuxParameters.capabilities.drop` (compared without the `CAP_` prefix, in any case). Windows task definitions are skipped: Windows containers do not support `linuxParameters`.',
  rationale:
    'Docker gives every container a default set of capabilities (CHOWN, DAC_OVERRIDE, SETUID, NET_RAW, MKNOD and more) that most applications never use. Dropping all of them and adding back only what is needed leaves an attacker far less to work with after a compromise.',
  remediation:
    'Set `linuxParameters.capabilities.drop` to `["ALL"]` in every container definition, and list under `linuxParameters.capabilities.add` only the capabilities the application needs (for example `NET_BIND_SERVICE`).',
  severity: 'low',
  recommended: 'off',
  references: [
    {
      title: 'Kubernetes Pod Security Standards: restricted profile (capabilities)',
      url: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
    },
    {
      title: 'Amazon ECS task definition parameters (linuxParameters.capabilities)',
      url: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html',
    },
  ],
  appliesTo: ['taskDefinition', 'daemonTaskDefinition', 'expressService'],
  options: z.strictObject({}),
  // linuxParameters is not supported for Windows containers.
  notApplicable: (td, resource) =>
    lacksContainerField(resource.kind, 'linuxParameters.capabilities') ?? (isWindows(td) ? 'not a Linux task definition' : undefined),
  check(td, { report }, resource) {
    forEachContainer(resource, (container, path, name) => {
      const drop = container.linuxParameters?.capabilities?.drop;
      if (drop && drop.some(isAll)) return;
      const message =
        !drop || drop.length === 0
          ? `${containerLabel(name, path)} drops no capabilities, so it keeps Docker's default set.`
          : `${containerLabel(name, path)} drops some capabilities but not "ALL".`;
      report({ path: `${path}.linuxParameters.capabilities.drop`, container: name, message });
    });
  },
});
