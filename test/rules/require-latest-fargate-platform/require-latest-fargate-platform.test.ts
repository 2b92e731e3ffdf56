import rule from '../../../src/rules/require-latest-fargate-platform.js';
import { testRule } from '../../helpers/rule-tester.js';

const pinned = (kind: 'Service' | 'Task', version: string, minimum: string, family: 'Linux' | 'Windows') => ({
  path: 'platformVersion',
  message: `${kind} pins Fargate platform version "${version}", below the minimum "${minimum}" for ${family}.`,
});

testRule(rule, {
  dir: import.meta.dirname,
  fail: {
    // The platform family comes from the task definition of the template (no RuntimePlatform: Linux).
    'fail/cloudformation-service-runs-linux-task-definition.yaml': [pinned('Service', '1.3.0', '1.4.0', 'Linux')],
    // The first service runs LATEST; the second uses a FARGATE / FARGATE_SPOT strategy.
    'fail/describe-services-fargate-spot-pinned-1.3.0.json': [pinned('Service', '1.3.0', '1.4.0', 'Linux')],
    'fail/run-task-fargate-spot-with-task-definition-1.2.0.json': [pinned('Task', '1.2.0', '1.4.0', 'Linux')],
  },
  skip: {
    'skip/describe-services-ec2-launch-type.json': 'not a FARGATE workload',
  },
  unknown: {
    'unknown/cloudtrail-update-service-platform-version-only.json':
      'capacityProviderStrategy is unknown (not in the UpdateService request, so unchanged and unknown here)',
    // 1.0.0 is fine on Windows, too old on Linux, and nothing says which this is.
    'unknown/create-service-1.0.0-platform-family-unknown.json':
      'platformVersion "1.0.0" is below the Linux minimum "1.4.0" but not the Windows minimum "1.0.0", and the platform family is unknown (task definition reports:3 is not among the inputs: pass its file too to check it)',
  },
  options: [
    {
      name: 'versions compare as numbers, not strings (1.4.0 < 1.10.0)',
      file: 'pass/describe-services-pinned-1.4.0.json',
      options: { minimum: { linux: '1.10.0' } },
      expect: [pinned('Service', '1.4.0', '1.10.0', 'Linux')],
    },
    {
      name: 'a Windows minimum applies to a Windows task definition; the Linux one keeps its default',
      file: 'pass/run-task-windows-task-definition-1.0.0.json',
      options: { minimum: { windows: '1.1.0' } },
      expect: [pinned('Task', '1.0.0', '1.1.0', 'Windows')],
    },
    {
      name: 'an unknown platform family is no obstacle when the version meets both minimums',
      file: 'unknown/create-service-1.0.0-platform-family-unknown.json',
      options: { minimum: { linux: '1.0.0' } },
      expect: 'pass',
    },
    {
      name: 'nor when it is below both',
      file: 'unknown/create-service-1.0.0-platform-family-unknown.json',
      options: { minimum: { linux: '1.1', windows: '1.1.0' } },
      expect: [
        { path: 'platformVersion', message: 'Service pins Fargate platform version "1.0.0", below the minimum "1.1" for Linux and "1.1.0" for Windows.' },
      ],
    },
  ],
});
