import rule from '../../../src/rules/no-unconfined-security-options.js';
import { testRule } from '../../helpers/rule-tester.js';

const option = (index: number, value: string) => ({
  path: `containerDefinitions[0].dockerSecurityOptions[${index}]`,
  container: 'legacy',
  message: `Container "legacy" sets security option "${value}".`,
});

testRule(rule, {
  dir: import.meta.dirname,
  fail: {
    'fail/cloudformation-label-disable.yaml': [
      { path: 'containerDefinitions[0].dockerSecurityOptions[0]', container: 'agent', message: 'Container "agent" sets security option "label:disable".' },
    ],
    'fail/register-request-every-spelling.json': [
      option(0, 'APPARMOR:Unconfined'),
      option(1, 'apparmor=unconfined'),
      option(2, 'seccomp:unconfined'),
      option(3, 'label:disable'),
      option(4, 'label=disable'),
      option(5, 'no-new-privileges:false'),
      option(6, 'No-New-Privileges=FALSE'),
    ],
    'fail/sidecar-seccomp-unconfined.json': [
      {
        path: 'containerDefinitions[1].dockerSecurityOptions[1]',
        container: 'tracer',
        message: 'Container "tracer" sets security option "seccomp=unconfined".',
      },
    ],
  },
});
