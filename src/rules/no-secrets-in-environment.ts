import * as z from '../zod.js';
import { defineRule } from '../core/rule.js';
import type { KeyValuePair } from '../core/types.js';
import { detectSecret } from '../core/secrets/detect.js';
import { peek, type UnknownValue, UnknownValueError } from '../core/unknown.js';
import { memoByOptions } from './_lib/memo.js';
import { forEachEnvironmentVariable, isPlaceholder } from './_lib/environment.js';
import { containerLabel } from './_lib/task-definition.js';
import { startsLikeArn } from '../core/identity.js';
import { lacksContainerField } from './_lib/containers.js';

/*
 * Two independent signals, each reported with its reason and never with the value:
 *
 * 1. The name says secret: one of its words (split at `_`, `-`, `.` and camelCase, any case) is
 *    password, passwd, pwd, secret, token, credential, auth or apikey / privatekey (or the word
 *    pairs api+key, private+key), optionally plural or numbered (`CREDENTIALS`, `TOKEN2`); the
 *    long words also as the end of a compound (`DBPASSWORD`, `authToken`). The value must be
 *    non-empty. Two exemptions keep configuration *about* a secret from failing:
 *    - the name ends with a word that describes rather than holds (`TOKEN_URL`, `AUTH_ENDPOINT`,
 *      `PASSWORD_FILE`, `DB_SECRET_ARN`, `JWT_AUTH_COOKIE_NAME`, `AUTH_ENABLED`, `TOKEN_TTL`);
 *    - the value is a reference, not a secret: an ARN, a URL without a password in it, an
 *      absolute path (`/run/secrets/db`, an SSM parameter name), or a boolean-like word.
 *    Patterns from the `names` option are the user's word and skip the first exemption.
 * 2. The value has a known secret format, whatever the name (core/secrets: private keys, AWS
 *    access key ids, GitHub, GitLab, Slack, Stripe, Google, npm, OpenAI, Anthropic, SendGrid,
 *    Vault, Hugging Face, Shopify, Databricks and Twilio tokens, JSON Web Tokens, URLs with a
 *    password, `base64:` keys, long high-entropy tokens), or is a CloudFormation dynamic
 *    reference to a secret (`{{resolve:secretsmanager:…}}`), which lands in plain text.
 *
 * A value from a CloudFormation intrinsic is resolved to plain text at deploy time: a `NoEcho`
 * parameter in it fails, so does a secret in the literal text of `!Sub`/`!Join`; a reference to
 * a resource or a pseudo parameter never does; otherwise a secret-like name fails and any other
 * name leaves the rule unable to decide.
 */

const SECRET_WORD = /^(?:password|passwd|pass|pwd|pw|secret|token|credential|auth|apikey|privatekey)s?\d*$/;
const SECRET_COMPOUND = /^[a-z0-9]+(?:password|passwd|secret|token|credential|apikey|privatekey)s?\d*$/;
const DESCRIPTOR_WORDS = new Set([
  'name',
  'names',
  'id',
  'ids',
  'arn',
  'url',
  'urls',
  'uri',
  'uris',
  'endpoint',
  'endpoints',
  'host',
  'hostname',
  'domain',
  'server',
  'port',
  'realm',
  'file',
  'path',
  'dir',
  'location',
  'enabled',
  'disabled',
  'enable',
  'disable',
  'required',
  'type',
  'mode',
  'method',
  'provider',
  'issuer',
  'audience',
  'region',
  'ttl',
  'timeout',
  'expiry',
  'expiration',
  'expires',
  'lifetime',
  'duration',
  'interval',
  'length',
  'size',
  'algorithm',
  'algo',
  'version',
  'format',
  'scope',
  'scopes',
  'user',
  'username',
  'seconds',
  'secs',
  'minutes',
  'mins',
  'hours',
  'days',
  'ms',
  'count',
  'rotation',
  'policy',
  'store',
]);

const words = (name: string): string[] =>
  name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);

function builtinSecretName(name: string): boolean {
  const parts = words(name);
  let found = false;
  for (let i = 0; i < parts.length && !found; i++) {
    const word = parts[i]!;
    const next = parts[i + 1];
    found = SECRET_WORD.test(word) || SECRET_COMPOUND.test(word) || ((word === 'api' || word === 'private') && next !== undefined && /^keys?\d*$/.test(next));
  }
  return found && !DESCRIPTOR_WORDS.has(parts[parts.length - 1]!);
}

// Names repeat across task definitions; classify each once (bounded, the classification is pure).
const nameCache = new Map<string, boolean>();
function isBuiltinSecretName(name: string): boolean {
  let secret = nameCache.get(name);
  if (secret === undefined) {
    secret = builtinSecretName(name);
    if (nameCache.size < 10_000) nameCache.set(name, secret);
  }
  return secret;
}

const URL_WITHOUT_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/(?![^/@\s]*:[^/@\s]*@)\S*$/i;
const ABSOLUTE_PATH = /^(?:\/|[A-Za-z]:[\\/])[\w.@~\-/\\]*$/;
const BOOLEAN_LIKE = /^(?:true|false|yes|no|on|off|enabled|disabled|none|null)$/i;
/** `{{resolve:secretsmanager:…}}` / `{{resolve:ssm-secure:…}}`: CloudFormation writes the secret itself into the task definition. */
const DYNAMIC_SECRET = /\{\{resolve:(?:secretsmanager|ssm-secure):/;
/** A Java class (`airflow.providers.fab.auth_manager.FabAuthManager`): code, not a credential. */
const CLASS_NAME = /^[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+\.[A-Z][A-Za-z0-9_$]*$/;
/** A number (a TTL, a count, a port) is configuration, whatever the name. */
const NUMBER = /^\d{1,9}$/;
/** An HTTP header name (`X-Api-Key`, `Authorization`): where a key goes, not the key. */
const HEADER_NAME = /^(?:X-)?[A-Z][a-z]+(?:-[A-Z][a-z]+)*$/;

/** `{"username":"username","password":"password"}`: a map of field names (which keys to read), not values. */
function isKeyMap(value: string): boolean {
  if (!value.startsWith('{')) return false;
  try {
    const parsed = JSON.parse(value) as unknown;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && Object.entries(parsed).every(([k, v]) => v === k);
  } catch {
    return false;
  }
}

/**
 * A value that points at or describes a secret rather than being one. Checked after the value
 * formats, so a high-entropy value that merely starts with `/` still fails.
 */
const isReference = (value: string): boolean =>
  startsLikeArn(value) ||
  URL_WITHOUT_PASSWORD.test(value) ||
  ABSOLUTE_PATH.test(value) ||
  BOOLEAN_LIKE.test(value) ||
  isPlaceholder(value) ||
  CLASS_NAME.test(value) ||
  NUMBER.test(value) ||
  HEADER_NAME.test(value) ||
  isKeyMap(value);

const AWS_KEY_ID = 'an AWS access key id';

// Values repeat too (LOG_LEVEL=info in every container, the same URLs in every revision a sweep
// reads): what the detector says of each is kept, for values of up to 1 KB and up to 10,000 of them.
const valueCache = new Map<string, string | null>();
function valueFormat(value: string): string | undefined {
  if (value.length < 12) return undefined; // shorter than any format: not worth a lookup
  let label = valueCache.get(value);
  if (label === undefined) {
    label = detectSecret(value)?.label ?? null;
    if (value.length <= 1024) {
      if (valueCache.size >= 10_000) valueCache.clear();
      valueCache.set(value, label);
    }
  }
  return label ?? undefined;
}

const isValidRegExp = (source: string): boolean => {
  try {
    new RegExp(source, 'i');
    return true;
  } catch {
    return false;
  }
};

const options = z.strictObject({
  /** Extra regular expressions for names that hold secrets, matched anywhere in the name, any case (`^DSN$`). */
  names: z._default(z.array(z.string().check(z.minLength(1), z.refine(isValidRegExp, 'not a valid regular expression'))), []),
  /** Variable names never flagged, compared exactly. */
  allow: z._default(z.array(z.string()), []),
});
type Options = z.infer<typeof options>;

const compiled = memoByOptions((o: Options) => ({
  names: o.names.map((source) => new RegExp(source, 'i')),
  allow: new Set(o.allow),
}));

export default defineRule({
  id: 'no-secrets-in-environment',
  title: 'Disallow secrets in container environment variables',
  description:
    'Fails when a container, sidecars included, has an `environment` variable whose name says it holds a secret (password, passwd, pwd, secret, token, api key, private key, credential, auth, as a word of the name, any case; plus the option `names`) with a non-empty value that is not a path, URL or ARN, or whose value has a known secret format (PEM private key, GitHub, Slack, Stripe, Google API key, JSON Web Token, long high-entropy string). Variables in the option `allow` are never flagged. Findings name the variable, never its value.',
  rationale:
    'Environment values are stored in plain text in the task definition: anyone allowed to describe task definitions, and every copy in CloudTrail, CI logs and infrastructure code, sees them. Secrets there cannot be rotated without a new revision and leak through the container metadata and crash dumps too.',
  remediation:
    'Move the value to AWS Secrets Manager or SSM Parameter Store (SecureString) and reference it under `containerDefinitions[].secrets` (`name` and `valueFrom`), give the execution role read access to it, and rotate the exposed secret. For a variable that only looks like a secret, add its name to the option `allow`.',
  severity: 'high',
  recommended: 'flag',
  references: [
    { title: 'Prowler ecs_task_definitions_no_environment_secrets' },
    { title: 'Trivy AWS-0036' },
    { title: 'KICS plaintext password' },
    { title: 'Checkov secrets scanning' },
    { title: 'Amazon ECS Developer Guide: Pass sensitive data to an Amazon ECS container' },
  ],
  appliesTo: ['taskDefinition', 'daemonTaskDefinition', 'expressService'],
  notApplicable: (_object, resource) => lacksContainerField(resource.kind, 'environment'),
  options,
  check(td, { options, report }, resource) {
    const { names, allow } = compiled(options);
    const secretName = (name: string): boolean => isBuiltinSecretName(name) || (names.length > 0 && names.some((pattern) => pattern.test(name)));
    forEachEnvironmentVariable(resource, (entry, i, containerName, path) => {
      const name = entry.name;
      if (name !== undefined && allow.has(name)) return;
      // Paths are built only for a finding (or an unknown value): this runs for every variable.
      const why = secretReason(entry, name, secretName, () => `${path}.environment[${i}].value`);
      if (why === undefined) return;
      const at = `${path}.environment[${i}]`;
      report({
        path: `${at}.value`,
        container: containerName,
        message: `${containerLabel(containerName, path)} has environment variable ${name ? `"${name}"` : at} whose ${why}.`,
      });
    });
  },
});

/** Why a variable holds a secret (the end of the finding's sentence), or undefined when it does not. */
function secretReason(entry: KeyValuePair, name: string | undefined, secretName: (name: string) => boolean, path: () => string): string | undefined {
  let value: unknown;
  try {
    value = entry.value;
  } catch (error) {
    // Set by a template expression: what is known of it decides.
    if (error instanceof UnknownValueError) return unknownSecretReason(peek(entry, 'value') as UnknownValue, name, secretName, path);
    throw error;
  }
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  const format = valueFormat(value);
  // An AWS access key id is no-aws-credentials-in-environment's to report, once.
  if (format === AWS_KEY_ID) return undefined;
  if (format) return `value looks like ${format}`;
  if (value.includes('{{resolve:') && DYNAMIC_SECRET.test(value))
    return 'value is a CloudFormation dynamic reference to a secret, which the task definition then holds in plain text';
  if (name && secretName(name) && !isReference(text)) return 'name looks like a secret';
  return undefined;
}

/**
 * A value set by a CloudFormation expression, resolved to plain text at deploy time. What is
 * known of it decides: a `NoEcho` parameter is a secret by its author's word; the literal parts
 * of `!Sub` and `!Join` are deployed as written and scanned; a reference to a resource or a
 * pseudo parameter (`!GetAtt Db.Endpoint.Address`, `!Ref AWS::Region`) is never a credential.
 * Otherwise a secret-like name fails, and any other name cannot be decided.
 */
function unknownSecretReason(value: UnknownValue, name: string | undefined, secretName: (name: string) => boolean, path: () => string): string | undefined {
  const { noEcho, literals, reference } = value.facts;
  if (noEcho?.length) return `value comes from the NoEcho parameter ${noEcho.join(', ')}, written out in plain text`;
  for (const literal of literals ?? []) {
    const format = detectSecret(literal);
    if (format) return `value contains ${format.label}`;
    if (DYNAMIC_SECRET.test(literal)) return 'value holds a CloudFormation dynamic reference to a secret, which the task definition then holds in plain text';
  }
  if (reference) return undefined;
  if (name && secretName(name)) return 'name looks like a secret';
  throw new UnknownValueError(path(), value.expression);
}
