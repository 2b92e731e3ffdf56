import rule from '../../../src/rules/no-privileged-containers.js';
import { testRule } from '../../helpers/rule-tester.js';

testRule(rule, {
  dir: import.meta.dirname,
  fail: {
    'fail/cloudformation-privileged.yaml': [
      { path: 'containerDefinitions[0].privileged', container: 'worker', message: 'Container "worker" runs privileged.' },
    ],
    'fail/sidecar-privileged.json': [{ path: 'containerDefinitions[1].privileged', container: 'agent', message: 'Container "agent" runs privileged.' }],
  },
  unknown: {
    'unknown/cloudformation-privileged-from-parameter.yaml': 'containerDefinitions[0].privileged is unknown (!Ref Privileged)',
  },
});
