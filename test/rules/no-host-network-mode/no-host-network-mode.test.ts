import rule from '../../../src/rules/no-host-network-mode.js';
import { testRule } from '../../helpers/rule-tester.js';

const hostMode = { path: 'networkMode', message: 'Task definition uses network mode "host".' };

testRule(rule, {
  dir: import.meta.dirname,
  fail: {
    'fail/cloudformation-host-network.yaml': [hostMode],
    'fail/recorded-describe-output-host-mode.json': [hostMode],
  },
  unknown: {
    'unknown/cloudformation-network-mode-from-parameter.yaml': 'networkMode is unknown (!Ref NetworkMode)',
  },
});
