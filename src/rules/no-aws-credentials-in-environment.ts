import * as z from '../zod.js';
import { defineRule } from '../core/rule.js';
import { memoByOptions } from './_lib/memo.js';
import { forEachEnvironmentVariable, isPlaceholder } from './_lib/environment.js';
import type { KeyValuePair } from '../core/types.js';
import { containerLabel } from './_lib/task-definition.js';
import { lacksContainerField } from './_lib/containers.js';

const DEFAULT_NAMES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'ECS_ENGINE_AUTH_DATA'];

/** An AWS access key id anywhere in the value (alone, or inside a connection string or config blob). */
// A plain literal scan first: the full pattern, with its look-arounds, runs only where a prefix is.
const KEY_PREFIX = /A(?:KIA|SIA|BIA|CCA|IPA)/;
const ACCESS_KEY_ID = /(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA|AIPA)[A-Z0-9]{16}(?![A-Z0-9])/;

const options = z.strictObject({
  /** Variable names that carry AWS credentials; compared exactly, as the AWS SDKs read them. */
  names: z._default(z.array(z.string().check(z.minLength(1))), DEFAULT_NAMES),
});
type Options = z.infer<typeof options>;

const nameSet = memoByOptions((o: Options) => new Set(o.names));

/** An empty value or a placeholder (`xxxx`, `<your key>`, `${AWS_KEY}`): no credential is written there. A value unknown offline may be one. */
function holdsPlaceholder(entry: KeyValuePair): boolean {
  try {
    const value = entry.value;
    return typeof value === 'string' && (value.trim() === '' || isPlaceholder(value.trim()));
  } catch {
    return false;
  }
}

export default defineRule({
  id: 'no-aws-credentials-in-environment',
  title: 'Disallow AWS credentials in container environment variables',
  description:
    'Fails when a container, sidecars included, has an `environment` variable named like an AWS credential (option `names`: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `ECS_ENGINE_AUTH_DATA` by default), or one whose value looks like an AWS access key id. Findings name the variable, never its value.',
  rationale:
    'Plain-text environment variables are readable by anyone who can describe the task definition, and they end up in CloudTrail, CI logs and infrastructure code. Long-lived keys placed there bypass the short-lived credentials of the task role and are rarely rotated.',
  remediation:
    'Remove the variable from `containerDefinitions[].environment`: grant the permissions to the task role (`taskRoleArn`) instead, or, for credentials that must be passed, store them in AWS Secrets Manager or SSM Parameter Store and reference them under `containerDefinitions[].secrets`. Rotate any key that was exposed.',
  severity: 'critical',
  recommended: 'deny',
  references: [
    { title: 'AWS Security Hub ECS.8', url: 'https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-8' },
    { title: 'AWS Config ecs-no-environment-secrets', url: 'https://docs.aws.amazon.com/config/latest/developerguide/ecs-no-environment-secrets.html' },
    { title: 'Trivy AWS-0036' },
  ],
  appliesTo: ['taskDefinition', 'daemonTaskDefinition', 'expressService'],
  notApplicable: (_object, resource) => lacksContainerField(resource.kind, 'environment'),
  options,
  check(td, { options, report }, resource) {
    const names = nameSet(options);
    forEachEnvironmentVariable(resource, (entry, i, containerName, path) => {
      // Paths and labels are built only for a finding: this runs for every variable.
      const name = entry.name;
      if (name !== undefined && names.has(name)) {
        if (holdsPlaceholder(entry)) return;
        report({
          path: `${path}.environment[${i}].name`,
          container: containerName,
          message: `${containerLabel(containerName, path)} sets AWS credential variable "${name}" in its environment.`,
        });
        return;
      }
      const value = entry.value;
      if (typeof value === 'string' && value.length >= 20 && KEY_PREFIX.test(value) && ACCESS_KEY_ID.test(value)) {
        report({
          path: `${path}.environment[${i}].value`,
          container: containerName,
          message: `${containerLabel(containerName, path)} has environment variable ${name ? `"${name}"` : `${path}.environment[${i}]`} whose value looks like an AWS access key id.`,
        });
      }
    });
  },
});
