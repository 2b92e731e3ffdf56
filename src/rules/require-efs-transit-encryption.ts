import * as z from '../zod.js';
import { defineRule } from '../core/rule.js';
import { noEfsVolumes, requireEnabledOnEveryEfsVolume } from './_lib/efs.js';
import { lacksField } from './_lib/containers.js';

export default defineRule({
  id: 'require-efs-transit-encryption',
  title: 'Require transit encryption for EFS volumes',
  description:
    'Fails for every volume (not only the first) whose `efsVolumeConfiguration.transitEncryption` is not `ENABLED`; absent means `DISABLED`. ECS compares this value exactly: another case (`enabled`) is an error of the input, never a pass.',
  rationale:
    'Without transit encryption, the NFS traffic between the container instance and the Amazon EFS mount target crosses the network in clear text, where anything able to observe the VPC traffic can read or alter the file data.',
  remediation:
    'Set `volumes[].efsVolumeConfiguration.transitEncryption` to `ENABLED` on every EFS volume (optionally `transitEncryptionPort`), and enforce it on the file system side with an EFS file system policy that denies `aws:SecureTransport` false.',
  severity: 'medium',
  recommended: 'flag',
  references: [
    { title: 'AWS Security Hub ECS.18', url: 'https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-18' },
    { title: 'Checkov CKV_AWS_97' },
    { title: 'Trivy AWS-0035' },
    { title: 'KICS EFS Volume With Disabled Transit Encryption' },
  ],
  appliesTo: ['taskDefinition', 'daemonTaskDefinition'],
  options: z.strictObject({}),
  notApplicable: (td, resource) => lacksField(resource.kind, 'volumes.efsVolumeConfiguration') ?? noEfsVolumes(td),
  check(td, { report }) {
    requireEnabledOnEveryEfsVolume(td, report, 'transitEncryption', (efs) => efs.transitEncryption);
  },
});
