import rule from '../../../src/rules/no-host-path-volumes.js';
import { testRule } from '../../helpers/rule-tester.js';

testRule(rule, {
  dir: import.meta.dirname,
  fail: {
    'fail/cloudformation-bind-mounts.yaml': [
      { path: 'volumes[1].host.sourcePath', message: 'Volume "media" mounts host path "/data/media/", which is not an allowed path.' },
    ],
    // Both branches of the condition mount a host path; each is named with its condition.
    'fail/cloudformation-source-path-from-condition.yaml': [
      {
        path: 'volumes[0].host.sourcePath',
        message: 'Volume "workspace" mounts host path "/home/dev/workspace", which is not an allowed path.',
        when: 'IsDev',
      },
      { path: 'volumes[0].host.sourcePath', message: 'Volume "workspace" mounts host path "/srv/workspace", which is not an allowed path.', when: 'not IsDev' },
    ],
    'fail/eventbridge-register-log-dir-and-escape.json': [
      { path: 'volumes[1].host.sourcePath', message: 'Volume "app-logs" mounts host path "/var/log/apps", which is not an allowed path.' },
      { path: 'volumes[2].host.sourcePath', message: 'Volume "more-logs" mounts host path "/var/log/apps/../../../etc", which is not an allowed path.' },
    ],
  },
  options: [
    {
      name: 'an allowed directory, with what is under it',
      file: 'fail/cloudformation-bind-mounts.yaml',
      options: { allowedPaths: ['/data'] },
      expect: 'pass',
    },
    {
      name: 'an allowed directory does not allow escaping it with ..',
      file: 'fail/eventbridge-register-log-dir-and-escape.json',
      options: { allowedPaths: ['/var/log/apps/'] },
      expect: [
        { path: 'volumes[2].host.sourcePath', message: 'Volume "more-logs" mounts host path "/var/log/apps/../../../etc", which is not an allowed path.' },
      ],
    },
    {
      name: 'a sibling with the same prefix is not allowed',
      file: 'fail/cloudformation-bind-mounts.yaml',
      options: { allowedPaths: ['/data/med'] },
      expect: [{ path: 'volumes[1].host.sourcePath', message: 'Volume "media" mounts host path "/data/media/", which is not an allowed path.' }],
    },
  ],
});
