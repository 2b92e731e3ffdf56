import rule from '../../../src/rules/require-efs-iam-authorization.js';
import { testRule } from '../../helpers/rule-tester.js';

testRule(rule, {
  dir: import.meta.dirname,
  fail: {
    'fail/cloudformation-access-point-without-iam.yaml': [
      {
        path: 'volumes[0].efsVolumeConfiguration.authorizationConfig.iam',
        message: 'Volume "exports" leaves EFS "authorizationConfig.iam" unset instead of "ENABLED".',
      },
    ],
    'fail/eventbridge-register-efs-without-iam.json': [
      {
        path: 'volumes[1].efsVolumeConfiguration.authorizationConfig.iam',
        message: 'Volume "checkpoints" leaves EFS "authorizationConfig.iam" unset instead of "ENABLED".',
      },
      {
        path: 'volumes[2].efsVolumeConfiguration.authorizationConfig.iam',
        message: 'Volume "models" sets EFS "authorizationConfig.iam" to "DISABLED" instead of "ENABLED".',
      },
    ],
  },
  skip: {
    'skip/describe-output-no-volumes.json': 'no EFS volumes',
  },
});
