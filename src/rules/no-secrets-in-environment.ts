import * as z from '../zod.js';
import { defineRule } from '../core/rule.js';
import type { KeyValuePair } from '../core/types.js';
import { UnknownValueError } from '../core/unknown.js';
import { memoByOptions } from './_lib/memo.js';
import { forEachEnvironmentVariable } from './_lib/environment.js';
import { containerLabel } from './_lib/task-definition.js';

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
 * 2. The value has a known secret format, whatever the name: PEM private key, GitHub, Slack,
 *    Stripe live, Google API key, JSON Web Token, or a long high-entropy token (>= 32 characters
 *    of a base64/base64url alphabet, letters and digits, Shannon entropy >= 4.5 bits per
 *    character: hex digests, UUIDs, words, paths and URLs stay below or outside it).
 *
 * AWS access keys are no-aws-credentials-in-environment's; a value from a CloudFormation
 * intrinsic (`!Ref DbPassword`, `{{resolve:...}}` inside `!Sub`) is resolved to plain text at
 * deploy time, so a secret-like name with such a value fails; otherwise the value is unknown
 * and the rule cannot decide.
 */

const SECRET_WORD = /^(?:password|passwd|pwd|secret|token|credential|auth|apikey|privatekey)s?\d*$/;
const SECRET_COMPOUND = /^[a-z0-9]+(?:password|passwd|secret|token|credential|apikey|privatekey)s?\d*$/;
const DESCRIPTOR_WORDS = new Set([
  'name', 'names', 'id', 'ids', 'arn', 'url', 'urls', 'uri', 'uris', 'endpoint', 'endpoints', 'host', 'hostname',
  'domain', 'server', 'port', 'realm', 'file', 'path', 'dir', 'location', 'enabled', 'disabled', 'enable', 'disable',
  'required', 'type', 'mode', 'method', 'provider', 'issuer', 'audience', 'region', 'ttl', 'timeout', 'expiry',
  'expiration', 'expires', 'lifetime', 'duration', 'interval', 'length', 'size', 'algorithm', 'algo', 'version',
  'format', 'scope', 'scopes', 'user', 'username',
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
    found =
      SECRET_WORD.test(word) ||
      SECRET_COMPOUND.test(word) ||
      ((word === 'api' || word === 'private') && next !== undefined && /^keys?\d*$/.test(next));
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

const ARN = /^arn:aws[a-z-]*:[a-z0-9-]+:/;
const URL_WITHOUT_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/(?![^/@\s]*:[^/@\s]*@)\S*$/i;
const ABSOLUTE_PATH = /^(?:\/|[A-Za-z]:[\\/])[\w.@~\-/\\]*$/;
const BOOLEAN_LIKE = /^(?:true|false|yes|no|on|off|enabled|disabled|none|null)$/i;

/**
 * A value that points at or describes a secret rather than being one. Checked after the value
 * formats, so a high-entropy value that merely starts with `/` still fails.
 */
const isReference = (value: string): boolean =>
  ARN.test(value) || URL_WITHOUT_PASSWORD.test(value) || ABSOLUTE_PATH.test(value) || BOOLEAN_LIKE.test(value);

const FORMATS: readonly (readonly [RegExp, string])[] = [
  [/-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/, 'a PEM private key'],
  [/(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})/, 'a GitHub token'],
  [/(?<![A-Za-z0-9])xox[abposr]-[A-Za-z0-9-]{10,}/, 'a Slack token'],
  [/(?<![A-Za-z0-9])[sr]k_live_[A-Za-z0-9]{16,}/, 'a Stripe live key'],
  [/(?<![A-Za-z0-9_-])AIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])/, 'a Google API key'],
  [/(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/, 'a JSON Web Token'],
];

const TOKEN_SEPARATORS = /[\s,;'"`]+/;
const ENTROPY_CANDIDATE = /^[A-Za-z0-9+/=_-]{32,}$/;
const HAS_DIGIT = /\d/;
const HAS_LETTER = /[A-Za-z]/;

function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  let entropy = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    entropy -= p * Math.log2(p);
  }
  return entropy;
}

// Characters a secret token is made of: base64, base64url and hex alphabets.
const CANDIDATE_CHAR = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_-') CANDIDATE_CHAR[c.charCodeAt(0)] = 1;

/**
 * Whether `value` has 32 candidate characters in a row, which any candidate token needs; this
 * spares most values the split. It checks windows from their end and jumps past the separator it
 * meets, so a URL or a list is decided after reading a fraction of its characters.
 */
function hasCandidateRun(value: string, length = 32): boolean {
  let start = 0;
  while (start + length <= value.length) {
    let j = start + length - 1;
    while (j >= start && CANDIDATE_CHAR[value.charCodeAt(j)] === 1) j--;
    if (j < start) return true;
    start = j + 1;
  }
  return false;
}

function highEntropyToken(value: string): boolean {
  if (value.length < 32 || !hasCandidateRun(value)) return false;
  for (const token of value.split(TOKEN_SEPARATORS)) {
    if (
      ENTROPY_CANDIDATE.test(token) &&
      HAS_DIGIT.test(token) &&
      HAS_LETTER.test(token) &&
      shannonEntropy(token) >= 4.5
    ) {
      return true;
    }
  }
  return false;
}

/** One scan for what every format starts with; most values have none, and skip the six patterns. */
const FORMAT_PREFIX = /-----BEGIN |gh[pousr]_|github_pat_|xox[abposr]-|[sr]k_live_|AIza|eyJ/;

/** What the value looks like, when it has a known secret format. */
function secretFormat(value: string): string | undefined {
  if (value.length < 15) return undefined; // shorter than the shortest format (a Slack token)
  if (FORMAT_PREFIX.test(value)) for (const [pattern, label] of FORMATS) if (pattern.test(value)) return label;
  return highEntropyToken(value) ? 'a high-entropy secret' : undefined;
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
  appliesTo: ['taskDefinition'],
  options,
  check(td, { options, report }) {
    const { names, allow } = compiled(options);
    const secretName = (name: string): boolean => isBuiltinSecretName(name) || (names.length > 0 && names.some((pattern) => pattern.test(name)));
    forEachEnvironmentVariable(td, (entry, i, containerName, path) => {
      const name = entry.name;
      if (name !== undefined && allow.has(name)) return;
      const why = secretReason(entry, name, secretName);
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
function secretReason(entry: KeyValuePair, name: string | undefined, secretName: (name: string) => boolean): string | undefined {
  let value: unknown;
  try {
    value = entry.value;
  } catch (error) {
    // Set by a template expression: plain text once deployed, whatever it resolves to.
    if (error instanceof UnknownValueError && name && secretName(name)) return 'name looks like a secret';
    throw error;
  }
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  const format = secretFormat(value);
  if (format) return `value looks like ${format}`;
  if (name && secretName(name) && !isReference(text)) return 'name looks like a secret';
  return undefined;
}

