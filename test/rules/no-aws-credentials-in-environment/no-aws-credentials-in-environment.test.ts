import rule from '../../../src/rules/no-aws-credentials-in-environment.js';
import { testRule } from '../../helpers/rule-tester.js';

testRule(rule, {
  dir: import.meta.dirname,
  fail: {
    'fail/cloudformation-secret-key-from-parameter.yaml': [
      // A listed name fails whatever its value; LOG_LEVEL's unknown value does not hide it.
      {
        path: 'containerDefinitions[0].environment[1].name',
        container: 'exporter',
        message: 'Container "exporter" sets AWS credential variable "AWS_SECRET_ACCESS_KEY" in its environment.',
      },
    ],
    'fail/describe-output-sidecar-static-keys.json': [
      {
        path: 'containerDefinitions[1].environment[1].name',
        container: 'backup',
        message: 'Container "backup" sets AWS credential variable "AWS_ACCESS_KEY_ID" in its environment.',
      },
      {
        path: 'containerDefinitions[1].environment[2].name',
        container: 'backup',
        message: 'Container "backup" sets AWS credential variable "AWS_SECRET_ACCESS_KEY" in its environment.',
      },
    ],
    'fail/eventbridge-register-key-in-value.json': [
      {
        path: 'containerDefinitions[0].environment[0].value',
        container: 'sync',
        message: 'Container "sync" has environment variable "S3_UPLOAD_KEY" whose value looks like an AWS access key id.',
      },
      {
        path: 'containerDefinitions[0].environment[2].value',
        container: 'sync',
        message: 'Container "sync" has environment variable "BOTO_CONFIG_INLINE" whose value looks like an AWS access key id.',
      },
    ],
  },
  unknown: {
    'unknown/cloudformation-value-from-parameter.yaml': 'containerDefinitions[0].environment[0].value is unknown (!Ref UpstreamEndpoint)',
  },
  options: [
    {
      name: 'an extra credential variable name',
      file: 'pass/register-request-credentials-from-secrets.json',
      options: { names: ['AWS_SHARED_CREDENTIALS_FILE'] },
      expect: [
        {
          path: 'containerDefinitions[0].environment[1].name',
          container: 'uploader',
          message: 'Container "uploader" sets AWS credential variable "AWS_SHARED_CREDENTIALS_FILE" in its environment.',
        },
      ],
    },
    {
      name: 'no listed names: an access key id in a value still fails',
      file: 'fail/describe-output-sidecar-static-keys.json',
      options: { names: [] },
      expect: [
        {
          path: 'containerDefinitions[1].environment[1].value',
          container: 'backup',
          message: 'Container "backup" has environment variable "AWS_ACCESS_KEY_ID" whose value looks like an AWS access key id.',
        },
      ],
    },
    {
      name: 'names are compared exactly',
      file: 'fail/describe-output-sidecar-static-keys.json',
      options: { names: ['aws_secret_access_key'] },
      expect: [
        {
          path: 'containerDefinitions[1].environment[1].value',
          container: 'backup',
          message: 'Container "backup" has environment variable "AWS_ACCESS_KEY_ID" whose value looks like an AWS access key id.',
        },
      ],
    },
  ],
});
