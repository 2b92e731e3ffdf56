import rule from '../../../src/rules/no-sensitive-host-path-volumes.js';
import { testRule } from '../../helpers/rule-tester.js';

testRule(rule, {
  dir: import.meta.dirname,
  fail: {
    'fail/register-request-parent-of-docker-socket.json': [
      { path: 'volumes[1].host.sourcePath', message: 'Volume "run" mounts host path "/var/run/", which contains sensitive path "/var/run/docker.sock".' },
    ],
    'fail/cloudformation-host-root-and-escapes.yaml': [
      { path: 'volumes[1].host.sourcePath', message: 'Volume "host-root" mounts sensitive host path "/".' },
      { path: 'volumes[2].host.sourcePath', message: 'Volume "certs" mounts host path "/var/lib/../../etc/ssl/", which is under sensitive path "/etc".' },
      { path: 'volumes[3].host.sourcePath', message: 'Volume "root-again" mounts host path "//", which is sensitive path "/".' },
      {
        path: 'volumes[4].host.sourcePath',
        message: 'Volume "agent-state" mounts host path "/var/lib/ecs/data", which is under sensitive path "/var/lib/ecs".',
      },
    ],
    'fail/describe-output-monitoring-agent-sidecar.json': [
      { path: 'volumes[1].host.sourcePath', message: 'Volume "docker_sock" mounts sensitive host path "/var/run/docker.sock".' },
      { path: 'volumes[2].host.sourcePath', message: 'Volume "proc" mounts host path "/proc/", which is sensitive path "/proc".' },
      { path: 'volumes[3].host.sourcePath', message: 'Volume "cgroup" mounts host path "/sys/fs/cgroup/", which is under sensitive path "/sys".' },
    ],
  },
  unknown: {
    'unknown/cloudformation-source-path-from-parameter.yaml': 'volumes[0].host.sourcePath is unknown (!Sub ${CachePath}/redis)',
  },
  options: [
    {
      name: 'a site-specific sensitive path, given with a trailing slash',
      file: 'pass/register-request-application-directories.json',
      options: { paths: ['/data/'] },
      expect: [{ path: 'volumes[0].host.sourcePath', message: 'Volume "spool" mounts host path "/data/ingest/spool", which is under sensitive path "/data".' }],
    },
    {
      name: 'Windows paths compare with either separator, in any case',
      file: 'options/register-request-windows-docker-data.json',
      options: { paths: ['C:\\ProgramData\\Docker', '/var/run/docker.sock'] },
      expect: [
        {
          path: 'volumes[0].host.sourcePath',
          message: 'Volume "docker-data" mounts host path "c:\\programdata\\docker\\containers\\", which is under sensitive path "c:/programdata/docker".',
        },
      ],
    },
    {
      name: 'Windows paths are not under the default Linux paths',
      file: 'options/register-request-windows-docker-data.json',
      options: {},
      expect: 'pass',
    },
    {
      name: 'nested sensitive paths: the most specific one is named',
      file: 'fail/describe-output-monitoring-agent-sidecar.json',
      options: { paths: ['/var', '/var/run/docker.sock', '/sys', '/sys/fs'] },
      expect: [
        { path: 'volumes[1].host.sourcePath', message: 'Volume "docker_sock" mounts sensitive host path "/var/run/docker.sock".' },
        { path: 'volumes[3].host.sourcePath', message: 'Volume "cgroup" mounts host path "/sys/fs/cgroup/", which is under sensitive path "/sys/fs".' },
      ],
    },
    {
      name: 'no sensitive paths',
      file: 'fail/describe-output-monitoring-agent-sidecar.json',
      options: { paths: [] },
      expect: 'pass',
    },
  ],
});
