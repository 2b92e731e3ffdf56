import * as z from '../zod.js';
import { defineRule } from '../core/rule.js';
import { containerLabel, forEachContainer } from './_lib/task-definition.js';
import { lacksContainerField } from './_lib/containers.js';

export default defineRule({
  id: 'no-host-devices',
  title: 'Disallow host devices in containers',
  description: 'Fails for every entry of `linuxParameters.devices` in any container, sidecars included.',
  rationale:
    'A host device mapped into a container gives it direct access to hardware or kernel interfaces of the container instance (disks, FUSE, GPUs, serial ports); a raw block device alone is enough to read or rewrite the host file system.',
  remediation:
    'Remove the entries of `linuxParameters.devices`; for storage, use a volume instead of the raw device, and record an exception for a task definition family that truly needs a device.',
  severity: 'high',
  recommended: 'deny',
  references: [
    {
      title: 'Kubernetes Pod Security Standards: privileged containers and host resources',
      url: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
    },
    {
      title: 'Amazon ECS task definition parameters (linuxParameters.devices)',
      url: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html',
    },
  ],
  appliesTo: ['taskDefinition', 'daemonTaskDefinition', 'expressService'],
  notApplicable: (_object, resource) => lacksContainerField(resource.kind, 'linuxParameters.devices'),
  options: z.strictObject({}),
  check(td, { report }, resource) {
    forEachContainer(resource, (container, path, name) => {
      const devices = container.linuxParameters?.devices;
      if (!devices) return;
      for (let i = 0; i < devices.length; i++) {
        const hostPath = devices[i]?.hostPath;
        const what = typeof hostPath === 'string' && hostPath !== '' ? `host device "${hostPath}"` : 'a host device';
        report({ path: `${path}.linuxParameters.devices[${i}]`, container: name, message: `${containerLabel(name, path)} maps ${what} into the container.` });
      }
    });
  },
});
