import rule from '../../../src/rules/no-host-ipc-mode.js';
import { testRule } from '../../helpers/rule-tester.js';

const hostIpc = { path: 'ipcMode', message: 'Task definition uses IPC mode "host".' };

testRule(rule, {
  dir: import.meta.dirname,
  fail: {
    'fail/cloudformation-ipc-host.yaml': [hostIpc],
    'fail/describe-output-ipc-host.json': [hostIpc],
  },
});
