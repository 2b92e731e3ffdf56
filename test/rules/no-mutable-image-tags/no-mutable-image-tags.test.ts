import rule from '../../../src/rules/no-mutable-image-tags.js';
import { testRule } from '../../helpers/rule-tester.js';

const untagged = (index: number, container: string, image: string) => ({
  path: `containerDefinitions[${index}].image`,
  container,
  message: `Container "${container}" uses image "${image}" with neither a tag nor a digest, so it pulls "latest".`,
});
const mutable = (index: number, container: string, image: string, tag: string) => ({
  path: `containerDefinitions[${index}].image`,
  container,
  message: `Container "${container}" uses image "${image}" with the mutable tag "${tag}".`,
});

testRule(rule, {
  dir: import.meta.dirname,
  fail: {
    // `localhost:5000` is a registry with a port, not a tag.
    'fail/cloudformation-private-registry-port-no-tag.yaml': [untagged(0, 'tools', 'localhost:5000/tools')],
    'fail/describe-output-redis-latest.json': [mutable(0, 'Db', 'redis:latest', 'latest')],
    'fail/sidecars-untagged-and-uppercase-latest.json': [
      untagged(1, 'log-router', 'public.ecr.aws/aws-observability/aws-for-fluent-bit'),
      mutable(2, 'init', 'busybox:LATEST', 'LATEST'),
    ],
  },
  options: [
    {
      name: 'configured tags are compared without regard to case; a digest still pins',
      file: 'pass/version-tags-and-digest-pinned-latest.json',
      options: { tags: ['stable', 'edge'] },
      expect: [mutable(2, 'cache', 'public.ecr.aws/docker/library/redis:Stable', 'Stable')],
    },
    {
      name: 'replacing the list drops latest',
      file: 'fail/describe-output-redis-latest.json',
      options: { tags: ['stable'] },
      expect: 'pass',
    },
    {
      name: 'an image without tag or digest fails whatever the list',
      file: 'fail/sidecars-untagged-and-uppercase-latest.json',
      options: { tags: [] },
      expect: [untagged(1, 'log-router', 'public.ecr.aws/aws-observability/aws-for-fluent-bit')],
    },
  ],
});
