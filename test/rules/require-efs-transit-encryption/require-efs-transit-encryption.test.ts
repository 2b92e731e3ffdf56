import rule from '../../../src/rules/require-efs-transit-encryption.js';
import { testRule } from '../../helpers/rule-tester.js';

testRule(rule, {
  dir: import.meta.dirname,
  fail: {
    'fail/cloudformation-second-volume-unencrypted.yaml': [
      {
        path: 'volumes[1].efsVolumeConfiguration.transitEncryption',
        message: 'Volume "output" leaves EFS "transitEncryption" unset instead of "ENABLED".',
      },
    ],
    'fail/describe-output-first-and-third-unencrypted.json': [
      {
        path: 'volumes[0].efsVolumeConfiguration.transitEncryption',
        message: 'Volume "attachments" sets EFS "transitEncryption" to "DISABLED" instead of "ENABLED".',
      },
      {
        path: 'volumes[2].efsVolumeConfiguration.transitEncryption',
        message: 'Volume "search-index" leaves EFS "transitEncryption" unset instead of "ENABLED".',
      },
    ],
  },
  skip: {
    'skip/describe-output-recorded-docker-volume.json': 'no EFS volumes',
  },
  unknown: {
    'unknown/cloudformation-transit-encryption-from-parameter.yaml': 'volumes[0].efsVolumeConfiguration.transitEncryption is unknown (!Ref TransitEncryption)',
  },
});
