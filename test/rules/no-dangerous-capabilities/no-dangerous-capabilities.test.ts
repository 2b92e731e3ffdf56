import rule from '../../../src/rules/no-dangerous-capabilities.js';
import { testRule } from '../../helpers/rule-tester.js';

testRule(rule, {
  dir: import.meta.dirname,
  fail: {
    'fail/cloudformation-add-all.yaml': [
      { path: 'containerDefinitions[0].linuxParameters.capabilities.add[0]', container: 'tools', message: 'Container "tools" adds capability "ALL".' },
      {
        path: 'containerDefinitions[1].linuxParameters.capabilities.add[0]',
        container: 'sniffer',
        message: 'Container "sniffer" adds capability "CAP_NET_RAW".',
      },
      {
        path: 'containerDefinitions[1].linuxParameters.capabilities.add[1]',
        container: 'sniffer',
        message: 'Container "sniffer" adds capability "Net_Admin".',
      },
    ],
    'fail/sidecar-adds-sys-admin.json': [
      {
        path: 'containerDefinitions[1].linuxParameters.capabilities.add[1]',
        container: 'monitor',
        message: 'Container "monitor" adds capability "cap_sys_admin".',
      },
      {
        path: 'containerDefinitions[1].linuxParameters.capabilities.add[2]',
        container: 'monitor',
        message: 'Container "monitor" adds capability "SYS_PTRACE".',
      },
    ],
  },
  options: [
    {
      name: 'a configured list replaces the default one (SYS_PTRACE allowed, NET_BIND_SERVICE denied)',
      file: 'fail/sidecar-adds-sys-admin.json',
      options: { capabilities: ['cap_net_bind_service', 'SYS_ADMIN'] },
      expect: [
        {
          path: 'containerDefinitions[0].linuxParameters.capabilities.add[0]',
          container: 'app',
          message: 'Container "app" adds capability "NET_BIND_SERVICE".',
        },
        {
          path: 'containerDefinitions[1].linuxParameters.capabilities.add[0]',
          container: 'monitor',
          message: 'Container "monitor" adds capability "NET_BIND_SERVICE".',
        },
        {
          path: 'containerDefinitions[1].linuxParameters.capabilities.add[1]',
          container: 'monitor',
          message: 'Container "monitor" adds capability "cap_sys_admin".',
        },
      ],
    },
    {
      name: 'an empty list allows every capability',
      file: 'fail/cloudformation-add-all.yaml',
      options: { capabilities: [] },
      expect: 'pass',
    },
  ],
});
