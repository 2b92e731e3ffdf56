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
 * One scan, in any case, for what every format starts with (the formats' `prefix`); most values have none of
 * them and skip the format patterns.
 */
const ANY_PREFIX = new RegExp(SECRET_FORMATS.map((f) => f.prefix.source).join('|'), 'i');

/** The first secret in `value`, or undefined. */
export function detectSecret(value: string): SecretMatch | undefined {
  return detectFormatOrToken(value) ?? passwordLike(value);
}

function detectFormatOrToken(value: string): SecretMatch | undefined {
  if (value.length < 12) return undefined; // shorter than the shortest format
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
    const match = detectFormatOrToken(text.slice(offset));
    if (!match) break;
    found.push({ label: match.label, start: offset + match.start, end: offset + match.end });
    offset += Math.max(match.end, match.start + 1);
  }
  // A generated password is recognized as a whole value: in a sentence, as a word of it (quotes,
  // a trailing full stop and `image:tag` or `k=v` around it taken off).
  for (const word of text.matchAll(/[^\s"'`]+/g)) {
    const candidates = [word[0], word[0].replace(/[.,;:)]+$/, ''), ...word[0].split(/[/:=@]/)];
    for (const candidate of candidates) {
      if (candidate.length < 12 || !passwordLike(candidate)) continue;
      const start = word.index + word[0].indexOf(candidate);
      if (!found.some((f) => start < f.end && start + candidate.length > f.start)) found.push({ label: 'a generated password', start, end: start + candidate.length });
      break;
    }
  }
  return found.sort((a, b) => a.start - b.start);
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
 * Generated names look random but are not secrets: what CloudFormation and the CDK make of a
 * logical id (`Stack-UsersTable-T3EEQ2JWVSKP`, `prod-api-QueueA6D35851-STfQWbGRzuke`,
 * `DataPi-Publi-NO84SKSZ4IWC-7486973235`). Such a token splits at `-`, `_`, `.` or `/` into words
 * (letters, possibly followed by the CDK's 8-hex hash and digits) and upper-case ids, and ends
 * with a random suffix of at most 13 letters and digits.
 */
const WORD = /^[A-Za-z]{2,}(?:[0-9A-F]{8})?[0-9]*$/;
const UPPER_ID = /^[A-Z0-9]{1,13}$/;
const SUFFIX = /^[A-Za-z0-9]{1,13}$/;
function isGeneratedName(token: string): boolean {
  const parts = token.split(/[-_./]/).filter((part) => part !== '');
  if (parts.length < 2 || !SUFFIX.test(parts[parts.length - 1]!)) return false;
  const words = parts.slice(0, -1);
  return words.some((part) => WORD.test(part) && /[a-z]{3}/.test(part)) && words.every((part) => WORD.test(part) || UPPER_ID.test(part));
}

/** Hex digests (sha1, sha256 and git commit ids) and UUIDs are identifiers, not keys. */
const HEX = /^[0-9a-fA-F]+$/;

/**
 * Base64 of text (a JSON document, a YAML or nginx configuration) is configuration, not a key:
 * a key is random bytes. Decodes the token and looks at what comes out.
 */
function isEncodedText(token: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$|^[A-Za-z0-9_-]+={0,2}$/.test(token) || token.length % 4 === 1) return false;
  const bytes = Buffer.from(token.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (bytes.length < 16) return false;
  let printable = 0;
  for (const byte of bytes) if ((byte >= 0x20 && byte < 0x7f) || byte === 0x0a || byte === 0x0d || byte === 0x09) printable++;
  return printable / bytes.length >= 0.97;
}

/**
 * Text that holds keys or tokens that are public by design: certificates, public keys
 * (PEM and OpenSSH), Stripe publishable keys. Their bodies are high-entropy, and not secrets.
 */
const PUBLIC_MATERIAL = /-----BEGIN (?:CERTIFICATE|PUBLIC KEY|RSA PUBLIC KEY|X509 CRL|CERTIFICATE REQUEST|PGP PUBLIC KEY BLOCK)-----|(?:^|\s)(?:ssh-(?:rsa|ed25519|dss)|ecdsa-sha2-nistp\d+|sk-ssh-ed25519@openssh\.com) AAAA|(?:^|[^A-Za-z0-9])pk_(?:live|test)_/;
/** An ARN names a resource; its random-looking parts are generated names. */
const ARN = /^arn:aws[a-z-]*:/;

function highEntropyToken(value: string): SecretMatch | undefined {
  if (value.length < MIN_TOKEN || !hasCandidateRun(value, MIN_TOKEN)) return undefined;
  if (ARN.test(value) || PUBLIC_MATERIAL.test(value)) return undefined;
  TOKEN.lastIndex = 0;
  for (let match = TOKEN.exec(value); match; match = TOKEN.exec(value)) {
    const token = match[0];
    if (!HAS_DIGIT.test(token) || !HAS_LOWER.test(token) || !HAS_UPPER.test(token)) continue;
    if (HEX.test(token) || isGeneratedName(token) || isEncodedText(token)) continue;
    if (shannonEntropy(token) >= 4.5) return { label: 'a high-entropy secret', start: match.index, end: match.index + token.length };
  }
  return undefined;
}

// --- Generated passwords --------------------------------------------------------------------

/** Symbols that names, paths, hosts and versions do not use, but password generators do. */
const STRONG_SYMBOL = /[!#$%&()*+;<=>?@[\]^{|}~]/;

/**
 * A generated password, whatever its name: 12 to 64 characters without spaces, mixing upper and
 * lower case, digits and a symbol that names, URLs and paths do not use, with high entropy
 * (`Zr8#kq2!Vx0@pL`). Structured values (URLs, paths, JSON, e-mail addresses, `k=v` lists) are not.
 */
function passwordLike(value: string): SecretMatch | undefined {
  const length = value.length;
  if (length < 12 || length > 64 || /\s/.test(value) || !STRONG_SYMBOL.test(value)) return undefined;
  if (!HAS_LOWER.test(value) || !HAS_UPPER.test(value) || !HAS_DIGIT.test(value)) return undefined;
  // Structured: JSON, a path, a command-line option, a URL, an e-mail address, `k=v` pairs, base64, a template.
  if (/^[{[/"'<-]|:\/\/|^[\w.+-]+@[\w-]+\.[\w.]+$|^[\w.-]+=[^,;&]*(?:[,;&][\w.-]+=[^,;&]*)*$|^[A-Za-z0-9+/]+=*$|^\$\{/.test(value)) return undefined;
  return shannonEntropy(value) >= 3.7 ? { label: 'a generated password', start: 0, end: length } : undefined;
}
