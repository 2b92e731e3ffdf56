import rule from '../../../src/rules/require-non-admin-windows-user.js';
import { testRule } from '../../helpers/rule-tester.js';

testRule(rule, {
  dir: import.meta.dirname,
  fail: {
    'fail/cloudformation-sidecar-containeradministrator.yaml': [
      {
        path: 'containerDefinitions[1].user',
        container: 'log-shipper',
        message: 'Container "log-shipper" runs as user "containeradministrator", the container administrator.',
      },
    ],
    'fail/describe-output-windows-no-user.json': [
      {
        path: 'containerDefinitions[0].user',
        container: 'iis',
        message: 'Container "iis" sets no user, so it runs as the image\'s default user, often ContainerAdministrator.',
      },
    ],
    'fail/register-request-admin-and-empty-user.json': [
      {
        path: 'containerDefinitions[0].user',
        container: 'app',
        message: 'Container "app" runs as user "ContainerAdministrator", the container administrator.',
      },
      {
        path: 'containerDefinitions[1].user',
        container: 'updater',
        message: 'Container "updater" sets an empty user, so it runs as the image\'s default user, often ContainerAdministrator.',
      },
    ],
  },
  skip: {
    'skip/recorded-describe-output-linux.json': 'not a Windows task definition',
    'skip/register-request-explicit-linux.json': 'not a Windows task definition',
  },
});
