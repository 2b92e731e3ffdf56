import rule from '../../../src/rules/require-drop-all-capabilities.js';
import { testRule } from '../../helpers/rule-tester.js';

const dropsNone = (name: string): string => `Container "${name}" drops no capabilities, so it keeps Docker's default set.`;

testRule(rule, {
  dir: import.meta.dirname,
  fail: {
    'fail/recorded-describe-output-no-linux-parameters.json': [
      { path: 'containerDefinitions[0].linuxParameters.capabilities.drop', container: 'webserver', message: dropsNone('webserver') },
    ],
    'fail/sidecar-drops-some.json': [
      {
        path: 'containerDefinitions[1].linuxParameters.capabilities.drop',
        container: 'agent',
        message: 'Container "agent" drops some capabilities but not "ALL".',
      },
      { path: 'containerDefinitions[2].linuxParameters.capabilities.drop', container: 'init', message: dropsNone('init') },
    ],
  },
  skip: {
    'skip/windows-task-definition.json': 'not a Linux task definition',
  },
});
