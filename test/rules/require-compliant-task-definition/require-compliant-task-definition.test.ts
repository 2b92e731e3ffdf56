import noPrivilegedContainers from '../../../src/rules/no-privileged-containers.js';
import rule from '../../../src/rules/require-compliant-task-definition.js';
import { testRule } from '../../helpers/rule-tester.js';

testRule(rule, {
  dir: import.meta.dirname,
  // The task definition is judged by the other rules of the same rule set.
  with: [noPrivilegedContainers],
  fail: {
    'fail/cloudformation-service-runs-privileged-task-definition.yaml': [
      {
        path: 'taskDefinition',
        severity: 'critical',
        message: 'Service runs task definition AgentTaskDefinition, which breaks no-privileged-containers.',
      },
    ],
    'fail/run-task-of-privileged-revision.json': [
      { path: 'taskDefinition', severity: 'critical', message: 'Task runs task definition debug:3, which breaks no-privileged-containers.' },
    ],
  },
  unknown: {
    'unknown/service-task-definition-not-given.json': 'task definition web:9 is not among the inputs: pass its file too to check it',
    'unknown/cloudformation-task-definition-from-parameter.yaml': 'taskDefinition is unknown (!Ref TaskDefinitionArn)',
    'unknown/cloudformation-task-definition-privileged-from-parameter.yaml':
      'task definition AgentTaskDefinition has deny rules that could not decide: no-privileged-containers',
  },
});
