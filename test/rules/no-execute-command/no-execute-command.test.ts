import rule from '../../../src/rules/no-execute-command.js';
import { testRule } from '../../helpers/rule-tester.js';

const service = { path: 'enableExecuteCommand', message: 'Service enables ECS Exec into its containers.' };
const task = { path: 'enableExecuteCommand', message: 'Task enables ECS Exec into its containers.' };

testRule(rule, {
  dir: import.meta.dirname,
  fail: {
    'fail/cloudformation-service-exec.yaml': [service],
    // Only the second of the two services enables it.
    'fail/describe-services-second-service-exec.json': [service],
    'fail/eventbridge-run-task-exec.json': [task],
  },
  unknown: {
    'unknown/cloudtrail-update-service-image-only.json': 'enableExecuteCommand is unknown (not in the UpdateService request, so unchanged and unknown here)',
  },
});
