import * as z from '../zod.js';
import { defineRule } from '../core/rule.js';
import { noEfsVolumes, requireEnabledOnEveryEfsVolume } from './_lib/efs.js';
import { lacksField } from './_lib/containers.js';

export default defineRule({
  id: 'require-efs-iam-authorization',
  title: 'Require IAM authorization for EFS volumes',
  description:
    'Fails for every EFS volume whose `efsVolumeConfiguration.authorizationConfig.iam` is not `ENABLED`; absent means `DISABLED`. ECS compares this value exactly: another case (`enabled`) is an error of the input, never a pass.',
  rationale:
    'Without IAM authorization the file system is mounted as an anonymous NFS client: any task that reaches the mount target gets the access that the file system policy grants to everyone, and the task role cannot be used to scope or audit who mounts what.',
  remediation:
    'Set `volumes[].efsVolumeConfiguration.authorizationConfig.iam` to `ENABLED` (which requires `transitEncryption: ENABLED` and a `taskRoleArn`), grant the task role `elasticfilesystem:ClientMount` (and `ClientWrite` if needed) on the file system, and restrict the file system policy to those roles.',
  severity: 'low',
  recommended: 'flag',
  references: [
    {
      title: 'Amazon ECS API Reference: EFSAuthorizationConfig',
      url: 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_EFSAuthorizationConfig.html',
    },
    {
      title: 'Amazon ECS Developer Guide: Use Amazon EFS volumes with Amazon ECS',
      url: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/efs-volumes.html',
    },
    { title: 'Amazon EFS User Guide: Using IAM to control file system data access' },
  ],
  appliesTo: ['taskDefinition', 'daemonTaskDefinition'],
  options: z.strictObject({}),
  notApplicable: (td, resource) => lacksField(resource.kind, 'volumes.efsVolumeConfiguration') ?? noEfsVolumes(td),
  check(td, { report }) {
    requireEnabledOnEveryEfsVolume(td, report, 'authorizationConfig.iam', (efs) => efs.authorizationConfig?.iam);
  },
});
