import rule from '../../../src/rules/require-awsvpc-network-mode.js';
import { testRule } from '../../helpers/rule-tester.js';

testRule(rule, {
  dir: import.meta.dirname,
  fail: {
    'fail/cloudformation-network-mode-none.yaml': [{ path: 'networkMode', message: 'Task definition uses network mode "none", not "awsvpc".' }],
    'fail/cloudformation-windows-network-mode-unset.yaml': [
      { path: 'networkMode', message: 'Task definition sets no network mode, which means the default (NAT) network mode on Windows, not "awsvpc".' },
    ],
    'fail/recorded-describe-output-host-mode.json': [{ path: 'networkMode', message: 'Task definition uses network mode "host", not "awsvpc".' }],
    'fail/register-request-bridge.json': [{ path: 'networkMode', message: 'Task definition uses network mode "bridge", not "awsvpc".' }],
    'fail/register-request-network-mode-unset.json': [
      { path: 'networkMode', message: 'Task definition sets no network mode, which means network mode "bridge" on EC2, not "awsvpc".' },
    ],
  },
});
