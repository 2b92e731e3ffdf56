import rule from '../../../src/rules/no-secrets-in-environment.js';
import { testRule } from '../../helpers/rule-tester.js';

// Messages are compared exactly, so a fixture's fake secret cannot leak into a finding unnoticed.
const worker = (index: number, variable: string) => ({
  path: `containerDefinitions[1].environment[${index}].value`,
  container: 'worker',
  message: `Container "worker" has environment variable "${variable}" whose name looks like a secret.`,
});
const integrations = (index: number, variable: string, looksLike: string) => ({
  path: `containerDefinitions[0].environment[${index}].value`,
  container: 'integrations',
  message: `Container "integrations" has environment variable "${variable}" whose value looks like ${looksLike}.`,
});

const secretNames = [
  worker(0, 'DB_PASSWORD'),
  worker(1, 'dbPassword'),
  worker(2, 'API_KEY'),
  worker(3, 'apikey'),
  worker(4, 'GITHUB_TOKEN'),
  worker(5, 'private_key'),
  worker(6, 'CREDENTIALS'),
  // `Basic …` is an Authorization header value: found by its value.
  {
    ...worker(7, 'AUTH_HEADER'),
    message: 'Container "worker" has environment variable "AUTH_HEADER" whose value looks like an HTTP authorization credential.',
  },
  // QUEUE_URL is not a secret name; AMQP_PASSWORD holds a path to the secret, not the secret.
  worker(10, 'ADMIN_PWD'),
];

const secretValues = [
  integrations(0, 'TLS_KEY', 'a PEM private key'),
  integrations(1, 'CI_CLONE', 'a GitHub token'),
  integrations(2, 'GH_FINE_GRAINED', 'a GitHub token'),
  integrations(3, 'SLACK_BOT', 'a Slack token'),
  integrations(4, 'STRIPE', 'a Stripe key'),
  integrations(5, 'MAPS', 'a Google API key'),
  integrations(6, 'SERVICE_BEARER', 'a JSON Web Token'),
  integrations(7, 'WEBHOOK_SIGNING', 'a high-entropy secret'),
];

// The connection strings of options/register-request-connection-string.json give away their passwords.
const passwordsInConnectionStrings = [
  {
    path: 'containerDefinitions[0].environment[0].value',
    container: 'reporting',
    message: 'Container "reporting" has environment variable "SQLSERVER_CONNECTION_STRING" whose value looks like a connection string with a password.',
  },
  {
    path: 'containerDefinitions[0].environment[1].value',
    container: 'reporting',
    message: 'Container "reporting" has environment variable "DSN" whose value looks like a URL with a password.',
  },
];

testRule(rule, {
  dir: import.meta.dirname,
  fail: {
    'fail/cloudformation-password-from-parameter.yaml': [
      // Template expressions resolve to plain text at deploy time; UPSTREAM's unknown value hides nothing.
      {
        path: 'containerDefinitions[0].environment[1].value',
        container: 'api',
        message: 'Container "api" has environment variable "DB_PASSWORD" whose value comes from the NoEcho parameter DbPassword, written out in plain text.',
      },
      {
        path: 'containerDefinitions[0].environment[2].value',
        container: 'api',
        message:
          'Container "api" has environment variable "MYSQL_ROOT_PASSWORD" whose value holds a CloudFormation dynamic reference to a secret, which the task definition then holds in plain text.',
      },
    ],
    'fail/describe-output-sidecar-secret-names.json': secretNames,
    'fail/eventbridge-register-slack-token.json': [
      {
        path: 'containerDefinitions[0].environment[0].value',
        container: 'bot',
        message: 'Container "bot" has environment variable "SLACK_BOT_TOKEN" whose value looks like a Slack token.',
      },
      {
        path: 'containerDefinitions[0].environment[1].value',
        container: 'bot',
        message: 'Container "bot" has environment variable "JWT_SECRET" whose name looks like a secret.',
      },
    ],
    'fail/register-request-secret-values.json': secretValues,
  },
  unknown: {
    'unknown/cloudformation-value-from-import.yaml': 'containerDefinitions[0].environment[1].value is unknown (!ImportValue shared-upstream-url)',
  },
  options: [
    {
      name: 'allow-listed names are never flagged, by name or by value',
      file: 'fail/describe-output-sidecar-secret-names.json',
      options: { allow: ['GITHUB_TOKEN', 'apikey', 'DB_password'] },
      expect: secretNames.filter((f) => !/"(GITHUB_TOKEN|apikey)"/.test(f.message)),
    },
    {
      name: 'allow-list overrides a value format',
      file: 'fail/register-request-secret-values.json',
      options: { allow: ['SERVICE_BEARER'] },
      expect: secretValues.filter((f) => !f.message.includes('SERVICE_BEARER')),
    },
    {
      name: 'extra name patterns',
      file: 'options/register-request-connection-string.json',
      options: { names: ['connection_?string', '^DSN$'] },
      expect: [
        ...passwordsInConnectionStrings,
        // No password in it, but the name now says it is a secret.
        {
          path: 'containerDefinitions[0].environment[3].value',
          container: 'reporting',
          message: 'Container "reporting" has environment variable "LEGACY_CONNECTION_STRING" whose name looks like a secret.',
        },
      ],
    },
    {
      name: 'without extra name patterns, the connection strings are still recognized by the password in them',
      file: 'options/register-request-connection-string.json',
      options: {},
      expect: passwordsInConnectionStrings,
    },
  ],
});
