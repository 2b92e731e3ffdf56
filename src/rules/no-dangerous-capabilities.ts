import * as z from '../zod.js';
import { defineRule } from '../core/rule.js';
import { memoByOptions } from './_lib/memo.js';
import { containerLabel, forEachContainer } from './_lib/task-definition.js';
import { lacksContainerField } from './_lib/containers.js';

const DEFAULT_DANGEROUS_CAPABILITIES = [
  'ALL',
  'SYS_ADMIN',
  'NET_ADMIN',
  'SYS_MODULE',
  'SYS_PTRACE',
  'SYS_RAWIO',
  'SYS_BOOT',
  'DAC_READ_SEARCH',
  'BPF',
  'PERFMON',
  'NET_RAW',
  'MAC_ADMIN',
  'MAC_OVERRIDE',
];

/** `cap_sys_admin` → `SYS_ADMIN`: Docker accepts either spelling, in any case. */
const normalize = (capability: string): string => capability.trim().toUpperCase().replace(/^CAP_/, '');

const options = z.strictObject({
  /** Capabilities that must not be added; compared without the `CAP_` prefix, in any case. */
  capabilities: z._default(z.array(z.string()), DEFAULT_DANGEROUS_CAPABILITIES),
});

const denied = memoByOptions((o: z.infer<typeof options>) => new Set(o.capabilities.map(normalize)));

export default defineRule({
  id: 'no-dangerous-capabilities',
  title: 'Disallow dangerous Linux capabilities',
  description:
    'Fails when a container, sidecars included, adds under `linuxParameters.capabilities.add` one of the capabilities of the option `capabilities` (default: ALL, SYS_ADMIN, NET_ADMIN, SYS_MODULE, SYS_PTRACE, SYS_RAWIO, SYS_BOOT, DAC_READ_SEARCH, BPF, PERFMON, NET_RAW, MAC_ADMIN, MAC_OVERRIDE), compared without the `CAP_` prefix and in any case.',
  rationale:
    'These capabilities give a container powers close to privileged mode: mounting file systems, loading kernel modules, tracing other processes, reading any file, reconfiguring or sniffing the network, or overriding mandatory access control. Each is a well-known path from a compromised container to the host.',
  remediation:
    'Remove the capability from `linuxParameters.capabilities.add`; if the workload truly needs one, grant the narrowest capability that works and record an exception for that task definition family.',
  severity: 'high',
  recommended: 'deny',
  references: [
    { title: 'Kubernetes Pod Security Standards: capabilities', url: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/' },
    { title: 'Amazon ECS Managed Instances: Linux capabilities that need opt-in' },
    {
      title: 'Amazon ECS task definition parameters (linuxParameters.capabilities)',
      url: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html',
    },
  ],
  appliesTo: ['taskDefinition', 'daemonTaskDefinition', 'expressService'],
  notApplicable: (_object, resource) => lacksContainerField(resource.kind, 'linuxParameters.capabilities'),
  options,
  check(td, { report, options: o }, resource) {
    const set = denied(o);
    forEachContainer(resource, (container, path, name) => {
      const add = container.linuxParameters?.capabilities?.add;
      if (!add) return;
      for (let i = 0; i < add.length; i++) {
        const capability = add[i];
        if (typeof capability === 'string' && set.has(normalize(capability))) {
          report({
            path: `${path}.linuxParameters.capabilities.add[${i}]`,
            container: name,
            message: `${containerLabel(name, path)} adds capability "${capability}".`,
          });
        }
      }
    });
  },
});
