import * as z from '../zod.js';
import { defineRule } from '../core/rule.js';
import { isLinux, reportPrivilegedUsers } from './_lib/task-definition.js';
import { lacksContainerField } from './_lib/containers.js';

/** `root`, `0` (or `00`...), alone or with any group: `root:root`, `0:1000`. */
const ROOT_USER = /^(?:root|0+)(?::.*)?$/;
const USERS = { isPrivileged: (user: string) => ROOT_USER.test(user), defaultUser: 'root unless the image says otherwise', privilegedAs: 'which is root' };

export default defineRule({
  id: 'require-non-root-user',
  title: 'Require a non-root user in Linux containers',
  description:
    'Fails when a Linux container, sidecars included, sets no `user`, an empty one, `root` or `0`, or `root`/`0` with any group (`root:<group>`, `0:<group>`).',
  rationale:
    'A process running as root inside the container is root on the host kernel: any container escape, writable host mount or added capability is then used with full privileges. Without `user`, the container runs as whatever the image declares, which for most images is root.',
  remediation:
    'Set `user` in every container definition to a non-root user or UID (for example `"1000"` or `"1000:1000"`), and make sure the image lets that user read and write what it needs.',
  severity: 'medium',
  recommended: 'flag',
  references: [
    { title: 'AWS Security Hub ECS.20', url: 'https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-20' },
    {
      title: 'AWS Config ecs-task-definition-linux-user-non-root',
      url: 'https://docs.aws.amazon.com/config/latest/developerguide/ecs-task-definition-linux-user-non-root.html',
    },
  ],
  appliesTo: ['taskDefinition', 'daemonTaskDefinition', 'expressService'],
  options: z.strictObject({}),
  notApplicable: (td, resource) => lacksContainerField(resource.kind, 'user') ?? (isLinux(td) ? undefined : 'not a Linux task definition'),
  check(td, { report }, resource) {
    reportPrivilegedUsers(resource, report, USERS);
  },
});
