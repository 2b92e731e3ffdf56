import rule from '../../../src/rules/no-shared-task-and-execution-role.js';
import { testRule } from '../../helpers/rule-tester.js';

testRule(rule, {
  dir: import.meta.dirname,
  fail: {
    // `!Ref` gives the role name and `!GetAtt .Arn` its ARN: the same role.
    'fail/cloudformation-ref-and-getatt-of-one-role.yaml': [
      { path: 'taskRoleArn', message: 'Task definition uses the same role (!Ref ServiceRole) as both its task role and its execution role.' },
    ],
    'fail/describe-output-execution-role-as-task-role.json': [
      {
        path: 'taskRoleArn',
        message: 'Task definition uses role "arn:aws:iam::644160558196:role/ecsTaskExecutionRole" as both its task role and its execution role.',
      },
    ],
    // A bare role name and an ARN with a path name the same role; IAM role names ignore case.
    'fail/register-request-role-name-and-arn-differ-in-case.json': [
      { path: 'taskRoleArn', message: 'Task definition uses role "IngestExecutionRole" as both its task role and its execution role.' },
    ],
  },
  unknown: {
    // The parameter may hold the ARN of ExecutionRole.
    'unknown/cloudformation-task-role-from-parameter.yaml': 'taskRoleArn is unknown (!Ref TaskRoleArn)',
  },
});
