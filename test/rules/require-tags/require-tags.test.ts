import rule from '../../../src/rules/require-tags.js';
import { testRule } from '../../helpers/rule-tester.js';

// require-tags only fails once configured (`keys` is empty by default): its fail and skip
// fixtures name the options they run with; every fixture passes with the defaults.
const missing = (key: string) => ({ path: 'tags', message: `Task definition lacks required tag "${key}".` });

testRule(rule, {
  dir: import.meta.dirname,
  fail: {
    'fail/describe-output-recorded-empty-tags.json': { options: { keys: ['Owner'] }, findings: [missing('Owner')] },
    'fail/eventbridge-register-lowercase-owner-tag.json': { options: { keys: ['Owner', 'Environment'] }, findings: [missing('Owner')] },
  },
  unknown: {
    'unknown/cloudformation-tag-key-from-parameter.yaml': { options: { keys: ['Owner'] }, reason: 'tags[1].key is unknown (!Ref OwnerTagKey)' },
  },
  options: [
    { name: 'the one required key is there', file: 'pass/describe-output-recorded-role-tag.json', options: { keys: ['Role'] }, expect: 'pass' },
    {
      name: 'each missing key is a finding',
      file: 'pass/describe-output-recorded-role-tag.json',
      options: { keys: ['Owner', 'Role', 'CostCenter'] },
      expect: [missing('Owner'), missing('CostCenter')],
    },
    { name: 'no tags at all', file: 'pass/register-request-untagged.json', options: { keys: ['Owner'] }, expect: [missing('Owner')] },
    {
      name: 'CloudFormation tags, one with a value unknown offline',
      file: 'pass/cloudformation-owner-and-cost-center.yaml',
      options: { keys: ['Owner', 'CostCenter'] },
      expect: 'pass',
    },
    {
      name: 'an unknown tag key does not matter when no key is missing',
      file: 'unknown/cloudformation-tag-key-from-parameter.yaml',
      options: { keys: ['Environment'] },
      expect: 'pass',
    },
    { name: 'fail fixtures pass with the default options', file: 'fail/describe-output-recorded-empty-tags.json', options: {}, expect: 'pass' },
  ],
});
