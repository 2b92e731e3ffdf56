import rule from '../../../src/rules/require-task-role.js';
import { testRule } from '../../helpers/rule-tester.js';

const noTaskRole = {
  path: 'taskRoleArn',
  message: 'Task definition has no task role, so its containers fall back to the credentials of the container instance role.',
};

testRule(rule, {
  dir: import.meta.dirname,
  fail: {
    'fail/cloudformation-ec2-without-task-role.yaml': [noTaskRole],
    // Compatible with EC2 as well as Fargate: it can run on an instance.
    'fail/cloudtrail-register-ec2-and-fargate.json': [noTaskRole],
    // ECS Anywhere, with an empty task role.
    'fail/external-empty-task-role.json': [noTaskRole],
    // The role is there only when the condition holds: without it, the task has none.
    'fail/cloudformation-conditional-task-role.yaml': [{ ...noTaskRole, when: 'not HasTaskRole' }],
  },
  skip: {
    'skip/cloudtrail-register-fargate-only.json': 'not an EC2-compatible task definition',
    'skip/describe-output-fargate-only.json': 'not an EC2-compatible task definition',
  },
});
