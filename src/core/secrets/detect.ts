/**
 * Recognizes secrets by their value: the documented formats of credentials (AWS access key ids,
 * GitHub, GitLab, Slack, Stripe, … tokens, private keys, JSON Web Tokens, URLs with a password,
 * Laravel `base64:` keys) and long high-entropy tokens. Pure and fast: most values people put in
 * environments (URLs, ARNs, names, numbers) are decided by one prefix scan and a character-class
 * walk. Used by `no-secrets-in-environment` and by masking, so what a rule calls a secret is never
 * printed. Measured on a labelled corpus (`test/fixtures/secrets`, `npm run bench`).
 */
import { SECRET_FORMATS } from './formats.js';

export interface SecretMatch {
  /** What the value looks like: `a GitHub token`, `a high-entropy secret`. */
  label: string;
  /** The offsets of the secret part in the value (a URL's password, a token in a config line). */
  start: number;
  end: number;
}

/**
 * One scan for what every format starts with (the formats' `prefix`); most values have none of
 * them and skip the format patterns.
 */
const ANY_PREFIX = new RegExp(SECRET_FORMATS.map((f) => f.prefix.source).join('|'));

/** The first secret in `value`, or undefined. */
export function detectSecret(value: string): SecretMatch | undefined {
  if (value.length < 12) return undefined; // shorter than the shortest format (`:pw@` URLs aside, see below)
  if (ANY_PREFIX.test(value)) {
    for (const format of SECRET_FORMATS) {
      format.pattern.lastIndex = 0;
      const match = format.pattern.exec(value);
      if (match && (!format.accept || format.accept(match))) {
        const group = format.group ?? 0;
        const start = match.index + (group ? match[0].indexOf(match[group]!) : 0);
        return { label: format.label, start, end: start + match[group]!.length };
      }
    }
  }
  return highEntropyToken(value);
}

/** Every secret in a text (for masking messages and errors); non-overlapping, in order. */
export function findSecrets(text: string): SecretMatch[] {
  const found: SecretMatch[] = [];
  let offset = 0;
  // Each pass finds the first secret of what is left; texts are short (messages, reasons).
  for (let guard = 0; guard < 100 && offset < text.length; guard++) {
    const match = detectSecret(text.slice(offset));
    if (!match) break;
    found.push({ label: match.label, start: offset + match.start, end: offset + match.end });
    offset += Math.max(match.end, match.start + 1);
  }
  return found;
}

// --- High-entropy tokens ---------------------------------------------------------------------

const MIN_TOKEN = 32;

// Characters a secret token is made of: base64, base64url and hex alphabets.
const CANDIDATE_CHAR = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_-') CANDIDATE_CHAR[c.charCodeAt(0)] = 1;

/**
 * Whether `value` has `length` candidate characters in a row, which any candidate token needs;
 * this spares most values the split. It checks windows from their end and jumps past the
 * separator it meets, so a URL or a list is decided after reading a fraction of its characters.
 */
function hasCandidateRun(value: string, length: number): boolean {
  let start = 0;
  while (start + length <= value.length) {
    let j = start + length - 1;
    while (j >= start && CANDIDATE_CHAR[value.charCodeAt(j)] === 1) j--;
    if (j < start) return true;
    start = j + 1;
  }
  return false;
}

function shannonEntropy(text: string): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let entropy = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    entropy -= p * Math.log2(p);
  }
  return entropy;
}

const TOKEN = /[A-Za-z0-9+/=_-]{32,}/g;
const HAS_DIGIT = /\d/;
const HAS_LOWER = /[a-z]/;
const HAS_UPPER = /[A-Z]/;

/**
 * Generated names look random but are not secrets: what CloudFormation and the CDK append to a
 * physical name (`Stack-UsersTable-T3EEQ2JWVSKP`, `Bucket83908E77`), and names joined of words
 * with `-`, `_` or `.`. A token is such a name when it splits into two or more parts, every part
 * being a word (letters, possibly followed by digits) or an upper-case/digit id of at most 13.
 */
const NAME_PART = /^(?:[A-Za-z][a-z]*[0-9]*|[A-Z0-9]{1,13}|[a-z0-9]{1,8}|[A-Z][a-z]+[A-Z0-9]{8})$/;
function isGeneratedName(token: string): boolean {
  const parts = token.split(/[-_.]/);
  if (parts.length < 2) return false;
  return parts.every((part) => part === '' || NAME_PART.test(part));
}

/** Hex digests (sha1, sha256 and git commit ids) and UUIDs are identifiers, not keys. */
const HEX = /^[0-9a-fA-F]+$/;

function highEntropyToken(value: string): SecretMatch | undefined {
  if (value.length < MIN_TOKEN || !hasCandidateRun(value, MIN_TOKEN)) return undefined;
  TOKEN.lastIndex = 0;
  for (let match = TOKEN.exec(value); match; match = TOKEN.exec(value)) {
    const token = match[0];
    if (!HAS_DIGIT.test(token) || !HAS_LOWER.test(token) || !HAS_UPPER.test(token)) continue;
    if (HEX.test(token) || isGeneratedName(token)) continue;
    if (shannonEntropy(token) >= 4.5) return { label: 'a high-entropy secret', start: match.index, end: match.index + token.length };
  }
  return undefined;
}
