import rule from '../../../src/rules/no-public-ip.js';
import { testRule } from '../../helpers/rule-tester.js';

const path = 'networkConfiguration.awsvpcConfiguration.assignPublicIp';

testRule(rule, {
  dir: import.meta.dirname,
  fail: {
    'fail/cloudformation-task-set-public-ip.yaml': [{ path, message: 'Task set assigns public IP addresses to its tasks.' }],
    'fail/cloudtrail-createservice-public-ip.json': [{ path, message: 'Service assigns public IP addresses to its tasks.' }],
    'fail/describe-services-public-ip-enabled.json': [{ path, message: 'Service assigns public IP addresses to its tasks.' }],
    'fail/run-task-public-ip.json': [{ path, message: 'Task assigns public IP addresses to its tasks.' }],
  },
});
