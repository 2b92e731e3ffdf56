import { z } from 'zod';
import { defineRule } from '../core/rule.js';
import { forEachVolume } from './_lib/task-definition.js';
import { someMayHold } from './_lib/unknowns.js';

const volumeLabel = (name: string | undefined, path: string): string => (name ? `Volume "${name}"` : `Volume ${path}`);

export default defineRule({
  id: 'require-efs-transit-encryption',
  title: 'Require transit encryption for EFS volumes',
  description:
    'Fails for every volume (not only the first) whose `efsVolumeConfiguration.transitEncryption` is not `ENABLED`; absent means `DISABLED`.',
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
  appliesTo: ['taskDefinition'],
  options: z.object({}).strict(),
  notApplicable: (td) => (someMayHold(td.volumes, (v) => v.efsVolumeConfiguration) ? undefined : 'no EFS volumes'),
  check(td, { report }) {
    forEachVolume(td, (volume, path) => {
      const efs = volume.efsVolumeConfiguration;
      if (!efs) return;
      const value = efs.transitEncryption;
      if (value === 'ENABLED') return;
      const label = volumeLabel(volume.name, path);
      report({
        path: `${path}.efsVolumeConfiguration.transitEncryption`,
        message:
          value === undefined
            ? `${label} leaves EFS "transitEncryption" unset instead of "ENABLED".`
            : `${label} sets EFS "transitEncryption" to "${value}" instead of "ENABLED".`,
      });
    });
  },
});
