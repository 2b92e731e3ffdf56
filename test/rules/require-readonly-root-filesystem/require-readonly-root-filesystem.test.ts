import rule from '../../../src/rules/require-readonly-root-filesystem.js';
import { testRule } from '../../helpers/rule-tester.js';

testRule(rule, {
  dir: import.meta.dirname,
  fail: {
    'fail/cloudtrail-cryptomining-readonly-unset.json': [
      {
        path: 'containerDefinitions[0].readonlyRootFilesystem',
        container: '[random string]',
        message: 'Container "[random string]" does not set readonlyRootFilesystem, so its root file system is writable.',
      },
    ],
    'fail/recorded-describe-output-readonly-false.json': [
      {
        path: 'containerDefinitions[0].readonlyRootFilesystem',
        container: 'db',
        message: 'Container "db" has a writable root file system (readonlyRootFilesystem is false).',
      },
    ],
    'fail/sidecar-readonly-unset.json': [
      {
        path: 'containerDefinitions[1].readonlyRootFilesystem',
        container: 'xray',
        message: 'Container "xray" does not set readonlyRootFilesystem, so its root file system is writable.',
      },
    ],
  },
  skip: {
    'skip/windows-task-definition.json': 'not a Linux task definition',
  },
  unknown: {
    'unknown/cloudformation-readonly-from-parameter.yaml': 'containerDefinitions[0].readonlyRootFilesystem is unknown (!Ref ReadOnly)',
  },
});
