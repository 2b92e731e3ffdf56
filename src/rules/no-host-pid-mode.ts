import * as z from '../zod.js';
import { defineRule } from '../core/rule.js';

export default defineRule({
  id: 'no-host-pid-mode',
  title: "Disallow sharing the host's process namespace",
  description:
    "Fails when a task definition sets the task-level `pidMode` to `host`, or a daemon task definition sets it to `shared` (which joins the host's PID namespace). ECS compares this value exactly: another case (`HOST`) is an error of the input, never a pass.",
  rationale:
    'With the host PID namespace the containers see every process on the container instance, other tasks and the ECS agent included; with enough privilege they can signal or trace those processes and read their environment and memory.',
  remediation: "Remove `pidMode`, or set it to `task` when the containers of the task need to see one another's processes.",
  severity: 'high',
  recommended: 'deny',
  references: [
    { title: 'AWS Security Hub ECS.3', url: 'https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-3' },
    {
      title: 'AWS Config ecs-task-definition-pid-mode-check',
      url: 'https://docs.aws.amazon.com/config/latest/developerguide/ecs-task-definition-pid-mode-check.html',
    },
  ],
  appliesTo: ['taskDefinition', 'daemonTaskDefinition'],
  options: z.strictObject({}),
  check(td, { report }, resource) {
    if (resource.kind === 'taskDefinition' && td.pidMode === 'host') report({ path: 'pidMode', message: 'Task definition uses PID mode "host".' });
    // A daemon's `shared` PID mode joins the host's PID namespace (API reference, DaemonTaskDefinition).
    if (resource.kind === 'daemonTaskDefinition' && td.pidMode === 'shared')
      report({ path: 'pidMode', message: 'Daemon task definition uses PID mode "shared", which joins the host\'s PID namespace.' });
  },
});
