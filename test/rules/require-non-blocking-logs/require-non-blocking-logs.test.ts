import rule from '../../../src/rules/require-non-blocking-logs.js';
import { testRule } from '../../helpers/rule-tester.js';

testRule(rule, {
  dir: import.meta.dirname,
  fail: {
    'fail/describe-output-recorded-awslogs-mode-unset.json': [
      {
        path: 'containerDefinitions[0].logConfiguration.options.mode',
        container: 'server',
        message: 'Container "server" leaves log option "mode" unset instead of "non-blocking".',
      },
    ],
    'fail/eventbridge-register-sidecar-blocking.json': [
      {
        path: 'containerDefinitions[1].logConfiguration.options.mode',
        container: 'otel-collector',
        message: 'Container "otel-collector" sets log option "mode" to "blocking" instead of "non-blocking".',
      },
      {
        path: 'containerDefinitions[2].logConfiguration.options.mode',
        container: 'splunk-forwarder',
        message: 'Container "splunk-forwarder" leaves log option "mode" unset instead of "non-blocking".',
      },
    ],
  },
  skip: {
    'skip/register-request-no-log-driver.json': 'no container configures a log driver',
  },
});
