import rule from '../../../src/rules/no-host-pid-mode.js';
import { testRule } from '../../helpers/rule-tester.js';

const hostPid = { path: 'pidMode', message: 'Task definition uses PID mode "host".' };

testRule(rule, {
  dir: import.meta.dirname,
  fail: {
    'fail/cloudformation-pid-host.yaml': [hostPid],
    'fail/eventbridge-registertaskdefinition-pid-host.json': [hostPid],
  },
});
