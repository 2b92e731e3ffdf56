import * as z from '../zod.js';
import { defineRule } from '../core/rule.js';

export default defineRule({
  id: 'no-host-ipc-mode',
  title: "Disallow sharing the host's IPC namespace",
  description:
    "Fails when a task definition sets the task-level `ipcMode` to `host`, or a daemon task definition sets it to `shared` (which joins the host's IPC namespace). ECS compares this value exactly: another case (`HOST`) is an error of the input, never a pass.",
  rationale:
    'With the host IPC namespace the containers share System V shared memory, semaphores and message queues with every process on the container instance, so they can read or tamper with data other tasks and host services exchange through them.',
  remediation: 'Remove `ipcMode` (or set it to `none`), or set it to `task` when only the containers of the task need to share IPC resources.',
  severity: 'high',
  recommended: 'deny',
  references: [
    { title: 'Kubernetes Pod Security Standards: host namespaces', url: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/' },
    {
      title: 'Amazon ECS task definition parameters (ipcMode)',
      url: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html',
    },
  ],
  appliesTo: ['taskDefinition', 'daemonTaskDefinition'],
  options: z.strictObject({}),
  check(td, { report }, resource) {
    if (resource.kind === 'taskDefinition' && td.ipcMode === 'host') report({ path: 'ipcMode', message: 'Task definition uses IPC mode "host".' });
    // A daemon's `shared` IPC mode joins the host's IPC namespace (API reference, DaemonTaskDefinition).
    if (resource.kind === 'daemonTaskDefinition' && td.ipcMode === 'shared')
      report({ path: 'ipcMode', message: 'Daemon task definition uses IPC mode "shared", which joins the host\'s IPC namespace.' });
  },
});
