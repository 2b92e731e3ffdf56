import * as z from '../zod.js';
import { defineRule } from '../core/rule.js';
import { containerLabel, forEachContainer, isLinux } from './_lib/task-definition.js';

/** `root`, `0` (or `00`...), alone or with any group: `root:root`, `0:1000`. */
const ROOT_USER = /^(?:root|0+)(?::.*)?$/;

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
  appliesTo: ['taskDefinition'],
  options: z.strictObject({}),
  notApplicable: (td) => (isLinux(td) ? undefined : 'not a Linux task definition'),
  check(td, { report }) {
    forEachContainer(td, (container, path, name) => {
      const user = container.user;
      const trimmed = typeof user === 'string' ? user.trim() : '';
      if (trimmed === '') {
        const how = user === undefined ? 'sets no user' : 'sets an empty user';
        report({ path: `${path}.user`, container: name, message: `${containerLabel(name, path)} ${how}, so it runs as the image's default user, root unless the image says otherwise.` });
      } else if (ROOT_USER.test(trimmed)) {
        report({ path: `${path}.user`, container: name, message: `${containerLabel(name, path)} runs as user "${user}", which is root.` });
      }
    });
  },
});
