import rule from '../../../src/rules/restrict-sysctls.js';
import { testRule } from '../../helpers/rule-tester.js';

testRule(rule, {
  dir: import.meta.dirname,
  fail: {
    'fail/cloudformation-host-network-sysctl.yaml': [
      {
        path: 'containerDefinitions[0].systemControls[1].namespace',
        container: 'balancer',
        message: 'Container "balancer" sets network sysctl "net.core.somaxconn" in a task with network mode "host".',
      },
    ],
    'fail/describe-output-sidecar-forbidden-sysctls.json': [
      {
        path: 'containerDefinitions[1].systemControls[0].namespace',
        container: 'wireguard',
        message: 'Container "wireguard" sets sysctl "net.ipv4.ip_forward", which is not allowed.',
      },
      {
        path: 'containerDefinitions[1].systemControls[1].namespace',
        container: 'wireguard',
        message: 'Container "wireguard" sets sysctl "net.ipv4.conf.all.src_valid_mark", which is not allowed.',
      },
      {
        path: 'containerDefinitions[1].systemControls[2].namespace',
        container: 'wireguard',
        message: 'Container "wireguard" sets sysctl "kernel/msgmax", which is not allowed.',
      },
    ],
  },
  unknown: {
    'unknown/cloudformation-network-mode-from-parameter.yaml': 'networkMode is unknown (!Ref NetworkMode)',
  },
  options: [
    {
      name: 'a wider allow-list, as globs',
      file: 'fail/describe-output-sidecar-forbidden-sysctls.json',
      options: { allowed: ['net.*'] },
      expect: [
        {
          path: 'containerDefinitions[1].systemControls[2].namespace',
          container: 'wireguard',
          message: 'Container "wireguard" sets sysctl "kernel/msgmax", which is not allowed.',
        },
      ],
    },
    {
      name: 'an allow-list written with slashes',
      file: 'fail/describe-output-sidecar-forbidden-sysctls.json',
      options: { allowed: ['net/**', 'kernel/msgmax'] },
      expect: 'pass',
    },
    {
      name: 'nothing allowed',
      file: 'pass/register-request-allowed-sysctls.json',
      options: { allowed: [] },
      expect: [
        ['haproxy', 0, 0, 'net.core.somaxconn'],
        ['haproxy', 0, 1, 'net.ipv4.ip_local_port_range'],
        ['haproxy', 0, 2, 'net.ipv4.tcp_keepalive_time'],
        ['haproxy', 0, 3, 'net/ipv4/tcp_keepalive_intvl'],
        ['cache', 1, 0, 'kernel.shmmax'],
      ].map(([name, c, i, sysctl]) => ({
        path: `containerDefinitions[${c}].systemControls[${i}].namespace`,
        container: String(name),
        message: `Container "${name}" sets sysctl "${sysctl}", which is not allowed.`,
      })),
    },
  ],
});
