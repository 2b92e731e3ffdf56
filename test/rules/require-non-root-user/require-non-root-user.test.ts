import rule from '../../../src/rules/require-non-root-user.js';
import { testRule } from '../../helpers/rule-tester.js';

const defaultUser = "so it runs as the image's default user, root unless the image says otherwise.";

testRule(rule, {
  dir: import.meta.dirname,
  fail: {
    'fail/cloudformation-sidecar-root.yaml': [
      { path: 'containerDefinitions[1].user', container: 'envoy', message: 'Container "envoy" runs as user "0", which is root.' },
    ],
    'fail/cloudtrail-cryptomining-no-user.json': [
      { path: 'containerDefinitions[0].user', container: '[random string]', message: `Container "[random string]" sets no user, ${defaultUser}` },
    ],
    'fail/register-request-root-empty-and-unset.json': [
      { path: 'containerDefinitions[0].user', container: 'importer', message: 'Container "importer" runs as user "root", which is root.' },
      { path: 'containerDefinitions[1].user', container: 'proxy', message: `Container "proxy" sets an empty user, ${defaultUser}` },
      { path: 'containerDefinitions[2].user', container: 'metrics', message: `Container "metrics" sets no user, ${defaultUser}` },
      { path: 'containerDefinitions[3].user', container: 'migrate', message: 'Container "migrate" runs as user "root:wheel", which is root.' },
    ],
    'fail/sidecar-root-with-group.json': [
      { path: 'containerDefinitions[1].user', container: 'log-router', message: 'Container "log-router" runs as user "0:1337", which is root.' },
    ],
  },
  skip: {
    'skip/windows-task-definition.json': 'not a Linux task definition',
  },
  unknown: {
    'unknown/cloudformation-user-from-parameter.yaml': 'containerDefinitions[0].user is unknown (!Ref RunAsUser)',
  },
});
