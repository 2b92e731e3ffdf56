/**
 * Recognizes secrets by their value: the documented formats of credentials (AWS access key ids,
 * GitHub, GitLab, Slack, Stripe, … tokens, private keys, JSON Web Tokens, URLs with a password,
 * Laravel `base64:` keys) and long high-entropy tokens. Pure and fast: most values people put in
 * environments (URLs, ARNs, names, numbers) are decided by one prefix scan and a character-class
 * walk. Used by `no-secrets-in-environment` and by masking, so what a rule calls a secret is never
 * printed. Measured on a labelled corpus (`test/fixtures/secrets`, `npm run bench`).
 */
import { HAS, SECRET_FORMATS } from './formats.js';
import { startsLikeArn } from '../identity.js';

export interface SecretMatch {
  /** What the value looks like: `a GitHub token`, `a high-entropy secret`. */
  label: string;
  /** The offsets of the secret part in the value (a URL's password, a token in a config line). */
  start: number;
  end: number;
}

const TOKEN_FORMATS = SECRET_FORMATS.filter((f) => !f.candidate);
const OTHER_FORMATS = SECRET_FORMATS.filter((f) => f.candidate);
/**
 * One scan for what every token format starts with (the formats' `prefix`), run only on values
 * with a run of 16 token characters: most values have neither and skip the format patterns.
 */
const TOKEN_PREFIX = new RegExp(TOKEN_FORMATS.map((f) => f.prefix.source).join('|'));

/**
 * The first secret in `value`, or undefined. This runs for every environment variable of every
 * container, so the value is read once (`scan`), and a pattern runs only where what that pass
 * found says it may match: the common value (a number, a word, a host, a URL, a path) costs one
 * pass over its characters and nothing else.
 */
export function detectSecret(value: string): SecretMatch | undefined {
  if (value.length < 12) return undefined; // shorter than the shortest format
  const facts = scan(value);
  return detectFormatOrToken(value, facts) ?? passwordLike(value, facts);
}

/** A known format or a high-entropy token (a generated password is looked for apart: by word in texts). */
function detectFormatOrToken(value: string, facts = scan(value)): SecretMatch | undefined {
  if (value.length < 12) return undefined;
  if (facts.wordRun >= 16 && TOKEN_PREFIX.test(value)) {
    for (const format of TOKEN_FORMATS) {
      const found = matchFormat(format, value);
      if (found) return found;
    }
  }
  for (const format of OTHER_FORMATS) {
    if (!format.candidate!(facts.has, value)) continue;
    const found = matchFormat(format, value);
    if (found) return found;
  }
  return facts.candidateRun >= MIN_TOKEN ? highEntropyToken(value) : undefined;
}

interface Facts {
  /** `HAS` bits. */
  has: number;
  /** The longest run of token characters (letters, digits, `_`, `-`). */
  wordRun: number;
  /** The longest run of base64 characters. */
  candidateRun: number;
}

// Per ASCII character: its `HAS` bits, and whether it is a token (256) or base64 (512) character.
const TOKEN_CHAR = 256;
const BASE64 = 512;
const TABLE = new Uint16Array(128);
for (let c = 0; c <= 0x20; c++) TABLE[c] = HAS.space;
for (let c = 0x61; c <= 0x7a; c++) TABLE[c] = HAS.lower | TOKEN_CHAR | BASE64;
for (let c = 0x41; c <= 0x5a; c++) TABLE[c] = HAS.upper | TOKEN_CHAR | BASE64;
for (let c = 0x30; c <= 0x39; c++) TABLE[c] = HAS.digit | TOKEN_CHAR | BASE64;
for (const s of '!#$%&()*+;<=>?@[]^{|}~') TABLE[s.charCodeAt(0)]! |= HAS.symbol;
TABLE[0x5f] = TOKEN_CHAR | BASE64; // _
TABLE[0x2d] = TOKEN_CHAR | BASE64; // -
TABLE[0x2b]! |= BASE64; // +
TABLE[0x2f] = BASE64; // /
TABLE[0x3d]! |= BASE64 | HAS.equals; // =
TABLE[0x3a] = HAS.colon;
TABLE[0x40]! |= HAS.at;

/** One pass over the characters: what the value has, and its longest runs. */
function scan(value: string): Facts {
  let has = 0;
  let word = 0;
  let base64 = 0;
  let wordRun = 0;
  let candidateRun = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const bits = c < 128 ? TABLE[c]! : 0;
    has |= bits;
    word = bits & TOKEN_CHAR ? word + 1 : 0;
    base64 = bits & BASE64 ? base64 + 1 : 0;
    if (word > wordRun) wordRun = word;
    if (base64 > candidateRun) candidateRun = base64;
  }
  return { has, wordRun, candidateRun };
}

function matchFormat(format: (typeof SECRET_FORMATS)[number], value: string): SecretMatch | undefined {
  format.pattern.lastIndex = 0;
  const match = format.pattern.exec(value);
  if (!match || (format.accept && !format.accept(match))) return undefined;
  const group = format.group ?? 0;
  const start = match.index + (group ? match[0].indexOf(match[group]!) : 0);
  return { label: format.label, start, end: start + match[group]!.length };
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
  // A generated password is recognized as a whole value: in a sentence, as a word of it, or as a
  // stretch of a word between the separators around it (`image:tag`, `k=v`, a trailing full stop).
  for (const word of text.matchAll(/[^\s"'`]+/g)) {
    const part = passwordIn(word[0]);
    if (!part) continue;
    const start = word.index + part.start;
    if (!found.some((f) => start < f.end && start + part.length > f.start)) found.push({ label: 'a generated password', start, end: start + part.length });
  }
  return found.sort((a, b) => a.start - b.start);
}

/** The longest stretch of a word, from and to its separators (`/`, `:`, `=`, `@`, `.`, `,`, `;`, `)`), that looks like a generated password. */
function passwordIn(word: string): { start: number; length: number } | undefined {
  if (word.length < 12) return undefined;
  const cuts = [0];
  for (let i = 0; i < word.length; i++) if ('/:=@.,;)'.includes(word[i]!)) cuts.push(i, i + 1);
  cuts.push(word.length);
  let best: { start: number; length: number } | undefined;
  for (const from of cuts) {
    for (const to of cuts) {
      const length = to - from;
      if (length < 12 || length > 64 || (best && length <= best.length)) continue;
      const stretch = word.slice(from, to);
      // Not a stretch that ends on a sentence's or a path's punctuation (`environment[2].`).
      if ('.,;'.includes(stretch[stretch.length - 1]!) || '.,;/'.includes(stretch[0]!)) continue;
      if (passwordLike(stretch)) best = { start: from, length };
    }
  }
  return best;
}

// --- High-entropy tokens ---------------------------------------------------------------------

const MIN_TOKEN = 32;

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
const PUBLIC_MATERIAL =
  /-----BEGIN (?:CERTIFICATE|PUBLIC KEY|RSA PUBLIC KEY|X509 CRL|CERTIFICATE REQUEST|PGP PUBLIC KEY BLOCK)-----|(?:^|\s)(?:ssh-(?:rsa|ed25519|dss)|ecdsa-sha2-nistp\d+|sk-ssh-ed25519@openssh\.com) AAAA|(?:^|[^A-Za-z0-9])pk_(?:live|test)_/;
/** Subresource Integrity digests (`sha384-…`) are hashes of public files. */
const INTEGRITY = /(?:^|\s)sha(?:256|384|512)-[A-Za-z0-9+/]+={0,2}/;
/** An ARN names a resource; its random-looking parts are generated names. */

function highEntropyToken(value: string): SecretMatch | undefined {
  if (startsLikeArn(value) || PUBLIC_MATERIAL.test(value) || INTEGRITY.test(value)) return undefined;
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

/** The classes a generated password has all of: lower, upper, digit and a symbol names and paths do not use. */
const PASSWORD_CLASSES = HAS.lower | HAS.upper | HAS.digit | HAS.symbol;
/** How JSON, paths, quotes, markup, options and templates start: not a generated password. */
const STRUCTURED_START = new Set(['{', '[', '/', '"', "'", '<', '-', '$']);

/**
 * A generated password, whatever its name: 12 to 64 characters without spaces, mixing upper and
 * lower case, digits and a symbol that names, URLs and paths do not use, with high entropy
 * (`Zr8#kq2!Vx0@pL`). Structured values (URLs, paths, JSON, e-mail addresses, `k=v` lists) are not.
 */
function passwordLike(value: string, facts = scan(value)): SecretMatch | undefined {
  const length = value.length;
  if (length < 12 || length > 64 || (facts.has & PASSWORD_CLASSES) !== PASSWORD_CLASSES || (facts.has & HAS.space) !== 0) return undefined;
  if (STRUCTURED_START.has(value[0]!) || value.includes('://')) return undefined;
  // Structured: JSON, a path, a command-line option, a URL, an e-mail address, `k=v` pairs,
  // base64, a template, a field path (`containerDefinitions[0].image`), a host name (two dots or more).
  if (
    /^[{[/"'<-]|:\/\/|^[\w.+-]+@[\w-]+\.[\w.]+$|^[\w.-]+=[^,;&]*(?:[,;&][\w.-]+=[^,;&]*)*$|^[A-Za-z0-9+/]+=*$|^\$\{|^[A-Za-z_]\w*(?:\[\d+\]|\.[A-Za-z_][\w-]*)+:?$|^[^.]+\.[^.]+\.[^.]+/.test(
      value,
    )
  )
    return undefined;
  return shannonEntropy(value) >= 3.7 ? { label: 'a generated password', start: 0, end: length } : undefined;
}
