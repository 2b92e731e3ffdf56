import picomatch from 'picomatch';
import * as z from '../zod.js';
import { defineRule } from '../core/rule.js';
import type { TaskDefinition } from '../core/types.js';
import { memoByOptions } from './_lib/memo.js';
import { containerLabel, forEachContainer } from './_lib/task-definition.js';
import { collectUnknowns } from './_lib/unknowns.js';
import { lacksContainerField } from './_lib/containers.js';

const DEFAULT_ALLOWED = ['net.ipv4.ip_local_port_range', 'net.ipv4.tcp_keepalive_*', 'net.core.somaxconn', 'kernel.shm*'];

/** The kernel accepts `/` as the separator too (`net/ipv4/ip_forward`); compare in the dotted form. */
const dotted = (namespace: string): string => namespace.trim().replaceAll('/', '.');

const options = z.strictObject({
  /** Allowed sysctl names, as glob patterns (`*` matches within and across dotted parts). */
  allowed: z._default(z.array(z.string().check(z.minLength(1))), DEFAULT_ALLOWED),
});
type Options = z.infer<typeof options>;

const allowedMatcher = memoByOptions((o: Options) => {
  if (o.allowed.length === 0) return () => false;
  return picomatch(o.allowed.map(dotted), { dot: true });
});

export default defineRule({
  id: 'restrict-sysctls',
  title: 'Restrict kernel parameters (sysctls) set by containers',
  description:
    'Fails when a container, sidecars included, sets a `systemControls[].namespace` that is not in the option `allowed` (glob patterns; by default `net.ipv4.ip_local_port_range`, `net.ipv4.tcp_keepalive_*`, `net.core.somaxconn` and `kernel.shm*`), or sets any `net.*` sysctl while the task uses network mode `host`.',
  rationale:
    'Some kernel parameters are not isolated per container and change the behaviour, security or stability of the whole instance; with network mode `host` even the network sysctls apply to the host network stack shared by every task. Only parameters known to be namespaced and harmless should be settable.',
  remediation:
    'Remove the entry from `containerDefinitions[].systemControls`, or, if the parameter is namespaced and reviewed, add it to the option `allowed`; do not set `net.*` sysctls in a task definition with `networkMode: host` (use `awsvpc` or `bridge`).',
  severity: 'medium',
  recommended: 'flag',
  references: [
    { title: 'Kubernetes Pod Security Standards (baseline): Sysctls', url: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/' },
    { title: 'Gatekeeper library forbidden-sysctls' },
    { title: 'Amazon ECS API Reference: SystemControl', url: 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_SystemControl.html' },
  ],
  appliesTo: ['taskDefinition', 'daemonTaskDefinition', 'expressService'],
  notApplicable: (_object, resource) => lacksContainerField(resource.kind, 'systemControls'),
  options,
  check(td, { options, report }, resource) {
    const isAllowed = allowedMatcher(options);
    collectUnknowns((attempt) => {
      forEachContainer(resource, (container, path, name) =>
        attempt(() => {
          const controls = container.systemControls ?? [];
          for (let i = 0; i < controls.length; i++) {
            attempt(() => {
              const namespace = controls[i]?.namespace;
              if (!namespace) return;
              const sysctl = dotted(namespace);
              const at = `${path}.systemControls[${i}].namespace`;
              if (!isAllowed(sysctl)) {
                report({ path: at, container: name, message: `${containerLabel(name, path)} sets sysctl "${namespace}", which is not allowed.` });
              } else if (sysctl.startsWith('net.') && resource.kind === 'taskDefinition' && (td as TaskDefinition).networkMode === 'host') {
                report({
                  path: at,
                  container: name,
                  message: `${containerLabel(name, path)} sets network sysctl "${namespace}" in a task with network mode "host".`,
                });
              }
            });
          }
        }),
      );
    });
  },
});
