import * as z from '../zod.js';
import { defineRule } from '../core/rule.js';
import { containerLabel, forEachContainer } from './_lib/task-definition.js';
import { lacksContainerField } from './_lib/containers.js';

/**
 * `apparmor:unconfined`, `seccomp:unconfined`, `label:disable`, `no-new-privileges:false`, with `:`
 * or `=` (Docker accepts both separators), in any case, surrounding spaces ignored.
 */
const UNCONFINED = /^\s*(?:(?:apparmor|seccomp)[:=]unconfined|label[:=]disable|no-new-privileges[:=]false)\s*$/i;

export default defineRule({
  id: 'no-unconfined-security-options',
  title: 'Disallow unconfined Docker security options',
  description:
    'Fails when a container, sidecars included, lists in `dockerSecurityOptions` `apparmor:unconfined`, `seccomp:unconfined`, `label:disable` or `no-new-privileges:false` (with `:` or `=`, in any case).',
  rationale:
    'These options switch off the kernel confinement Docker applies by default: the seccomp filter of dangerous system calls, the AppArmor or SELinux profile, or the bar on gaining privileges through setuid binaries. A container without them has a much larger attack surface against the host kernel.',
  remediation:
    'Remove the option from `dockerSecurityOptions`; if the default profile blocks something the application needs, use a custom AppArmor or SELinux profile (`apparmor:<profile>`, `label:type:<type>`) that allows only that.',
  severity: 'high',
  recommended: 'deny',
  references: [
    { title: 'Kubernetes Pod Security Standards: AppArmor, SELinux and seccomp', url: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/' },
    {
      title: 'Amazon ECS task definition parameters (dockerSecurityOptions)',
      url: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html',
    },
  ],
  appliesTo: ['taskDefinition', 'daemonTaskDefinition', 'expressService'],
  notApplicable: (_object, resource) => lacksContainerField(resource.kind, 'dockerSecurityOptions'),
  options: z.strictObject({}),
  check(td, { report }, resource) {
    forEachContainer(resource, (container, path, name) => {
      const list = container.dockerSecurityOptions;
      if (!list) return;
      for (let i = 0; i < list.length; i++) {
        const option = list[i];
        if (typeof option === 'string' && UNCONFINED.test(option)) {
          report({
            path: `${path}.dockerSecurityOptions[${i}]`,
            container: name,
            message: `${containerLabel(name, path)} sets security option "${option}".`,
          });
        }
      }
    });
  },
});
