import * as z from '../zod.js';
import { defineRule } from '../core/rule.js';
import { isWindows, reportPrivilegedUsers } from './_lib/task-definition.js';
import { lacksContainerField } from './_lib/containers.js';

const USERS = {
  isPrivileged: (user: string) => user.toLowerCase() === 'containeradministrator',
  defaultUser: 'often ContainerAdministrator',
  privilegedAs: 'the container administrator',
};

export default defineRule({
  id: 'require-non-admin-windows-user',
  title: 'Require a non-administrator user in Windows containers',
  description: 'Fails when a Windows container, sidecars included, sets no `user` or sets `ContainerAdministrator` (any case).',
  rationale:
    "ContainerAdministrator is the administrator account of the container: code running as it can change the container's system configuration and has the most to gain from any isolation flaw. Many Windows base images run as ContainerAdministrator when no user is set.",
  remediation:
    'Set `user` in every container definition to a non-administrator account, such as `ContainerUser` or a dedicated local account created in the image.',
  severity: 'medium',
  recommended: 'flag',
  references: [
    { title: 'AWS Security Hub ECS.21', url: 'https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-21' },
    {
      title: 'AWS Config ecs-task-definition-windows-user-non-admin',
      url: 'https://docs.aws.amazon.com/config/latest/developerguide/ecs-task-definition-windows-user-non-admin.html',
    },
  ],
  appliesTo: ['taskDefinition', 'daemonTaskDefinition', 'expressService'],
  options: z.strictObject({}),
  notApplicable: (td, resource) => lacksContainerField(resource.kind, 'user') ?? (isWindows(td) ? undefined : 'not a Windows task definition'),
  check(td, { report }, resource) {
    reportPrivilegedUsers(resource, report, USERS);
  },
});
