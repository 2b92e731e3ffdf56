import rule from '../../../src/rules/require-healthcheck.js';
import { testRule } from '../../helpers/rule-tester.js';

testRule(rule, {
  dir: import.meta.dirname,
  fail: {
    'fail/cloudformation-health-check-without-command.yaml': [
      { path: 'containerDefinitions[0].healthCheck.command', container: 'api', message: 'Container "api" is essential but its health check has no command.' },
    ],
    'fail/describe-output-essential-redis-no-health-check.json': [
      { path: 'containerDefinitions[0].healthCheck', container: 'Db', message: 'Container "Db" is essential but has no health check.' },
    ],
    // `essential` absent means essential; `["NONE"]` turns the image's own health check off.
    'fail/sidecars-essential-by-default-and-check-disabled.json': [
      { path: 'containerDefinitions[1].healthCheck', container: 'envoy', message: 'Container "envoy" is essential but has no health check.' },
      {
        path: 'containerDefinitions[2].healthCheck.command',
        container: 'metrics',
        message: 'Container "metrics" is essential but its health check command is "NONE", which turns health checking off.',
      },
    ],
  },
});
