import rule from '../../../src/rules/require-approved-registries.js';
import { testRule } from '../../helpers/rule-tester.js';

const notApproved = (index: number, container: string, image: string, registry: string) => ({
  path: `containerDefinitions[${index}].image`,
  container,
  message: `Container "${container}" uses image "${image}" from registry "${registry}", which is not approved.`,
});

testRule(rule, {
  dir: import.meta.dirname,
  fail: {
    'fail/cloudformation-docker-hub-sidecar.yaml': [notApproved(1, 'datadog-agent', 'datadog/agent:7', 'docker.io')],
    'fail/cloudtrail-register-docker-hub-miner-image.json': [notApproved(0, '[random string]', 'yzsqbe/ka:si', 'docker.io')],
    'fail/describe-output-docker-hub-redis.json': [notApproved(0, 'Db', 'redis:latest', 'docker.io')],
    // `*` never crosses `/`, and `public.ecr.aws/**` never matches the Docker Hub image written `public.ecr.aws`.
    'fail/ecr-lookalike-images.json': [
      notApproved(1, 'ecr-path-on-other-host', 'evil.com/123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.0', 'evil.com'),
      notApproved(
        2,
        'ecr-host-prefix',
        '123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.com/app:1.0',
        '123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.com',
      ),
      notApproved(3, 'public-ecr-suffix', 'public.ecr.aws.evil.com/nginx/nginx:1.27', 'public.ecr.aws.evil.com'),
      notApproved(4, 'docker-hub-named-like-registry', 'public.ecr.aws', 'docker.io'),
    ],
  },
  unknown: {
    'unknown/cloudformation-ecr-image-from-sub.yaml':
      'containerDefinitions[0].image is unknown (!Sub ${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/web:1.4.2)',
  },
  options: [
    {
      name: 'a canonical pattern approves an image written without its registry',
      file: 'fail/describe-output-docker-hub-redis.json',
      options: { registries: ['docker.io/library/**'] },
      expect: 'pass',
    },
    {
      name: 'a pattern matches the image as written',
      file: 'fail/describe-output-docker-hub-redis.json',
      options: { registries: ['redis:*'] },
      expect: 'pass',
    },
    {
      name: 'the Docker Hub official-images pattern does not approve another namespace',
      file: 'fail/cloudformation-docker-hub-sidecar.yaml',
      options: { registries: ['docker.io/library/**'] },
      expect: [notApproved(1, 'datadog-agent', 'datadog/agent:7', 'docker.io')],
    },
    {
      name: 'a namespace pattern approves the images written in it',
      file: 'fail/cloudformation-docker-hub-sidecar.yaml',
      options: { registries: ['datadog/**'] },
      expect: { unknown: 'containerDefinitions[0].image is unknown (!Ref ImageUri)' },
    },
    {
      name: 'replacing the defaults drops Amazon ECR',
      file: 'pass/register-request-ecr-app-and-public-ecr-sidecar.json',
      options: { registries: ['public.ecr.aws/**'] },
      expect: [
        notApproved(
          0,
          'app',
          '123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.4.2@sha256:4c2b6f3e2d1a0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b',
          '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
        ),
      ],
    },
    {
      name: 'an empty list approves nothing',
      file: 'pass/describe-output-private-ecr-image.json',
      options: { registries: [] },
      expect: [
        notApproved(
          0,
          'server',
          '644160558196.dkr.ecr.us-east-1.amazonaws.com/stacklet-redash:842a0206d43c0eb4a69cb31d6debdb52a46cb9e7-9d442028dba0f2e9f6a1bc17aba20c73591810a4',
          '644160558196.dkr.ecr.us-east-1.amazonaws.com',
        ),
      ],
    },
  ],
});
