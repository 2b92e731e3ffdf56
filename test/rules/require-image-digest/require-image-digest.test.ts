import rule from '../../../src/rules/require-image-digest.js';
import { testRule } from '../../helpers/rule-tester.js';

const notPinned = (index: number, container: string, image: string) => ({
  path: `containerDefinitions[${index}].image`,
  container,
  message: `Container "${container}" uses image "${image}", which is not pinned to a sha256 digest.`,
});

testRule(rule, {
  dir: import.meta.dirname,
  fail: {
    'fail/describe-output-postgres-tag-only.json': [notPinned(0, 'db', 'postgres:latest')],
    'fail/eventbridge-register-task-definition.json': [notPinned(0, 'reports', '123456789012.dkr.ecr.eu-west-1.amazonaws.com/reports:2.7.1')],
    'fail/sidecars-tag-only-and-truncated-digest.json': [
      notPinned(1, 'envoy', 'public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.4.0-prod'),
      {
        path: 'containerDefinitions[2].image',
        container: 'xray',
        message: 'Container "xray" uses image "public.ecr.aws/xray/aws-xray-daemon@sha256:7e1a3c5b", whose digest is not a complete sha256 digest.',
      },
    ],
  },
  unknown: {
    'unknown/cloudformation-image-from-parameter.yaml': 'containerDefinitions[0].image is unknown (!Ref ImageUri)',
  },
});
