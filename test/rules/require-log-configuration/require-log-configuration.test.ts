import rule from '../../../src/rules/require-log-configuration.js';
import { testRule } from '../../helpers/rule-tester.js';

testRule(rule, {
  dir: import.meta.dirname,
  fail: {
    'fail/cloudformation-log-options-without-driver.yaml': [
      {
        path: 'containerDefinitions[0].logConfiguration.logDriver',
        container: 'report',
        message: 'Container "report" has a log configuration without a log driver.',
      },
    ],
    'fail/eventbridge-register-no-log-configuration.json': [
      { path: 'containerDefinitions[0].logConfiguration', container: 'import', message: 'Container "import" has no log configuration.' },
      // An unnamed container is named by its path.
      { path: 'containerDefinitions[1].logConfiguration', message: 'Container containerDefinitions[1] has no log configuration.' },
    ],
    // Logs only when a parameter turns them on: the other branch has none.
    'fail/cloudformation-log-configuration-from-condition.yaml': [
      { path: 'containerDefinitions[0].logConfiguration', container: 'job', message: 'Container "job" has no log configuration.', when: 'not LogsEnabled' },
    ],
    'fail/register-request-sidecar-without-log-configuration.json': [
      { path: 'containerDefinitions[1].logConfiguration', container: 'envoy', message: 'Container "envoy" has no log configuration.' },
    ],
  },
});
