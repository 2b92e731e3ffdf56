/**
 * Credential formats, as their issuers document them. Each pattern is anchored on a fixed prefix
 * (`prefix`, all scanned at once before any pattern runs) and bounded by look-arounds so that a
 * token inside a longer word does not count. Every pattern is linear: no nested quantifiers.
 *
 * secretlint's recommended preset covers the same vendors; it was measured on our corpus and
 * costs some 400 µs per value through its engine (and 200 KB in the Lambda), against a few
 * hundred nanoseconds here (docs/verdicts.md, "The secret detector").
 */

/** Facts of one pass over a value's characters (see detect.ts `scan`): which of these it has. */
export const HAS = { lower: 1, upper: 2, digit: 4, symbol: 8, space: 16, equals: 32, colon: 64, at: 128 } as const;

export interface SecretFormat {
  label: string;
  /**
   * What a value must contain for `pattern` to be worth running. Tokens are looked for only in
   * values with a run of 16 letters, digits, `_` or `-` (every token has one) that contain one of
   * the prefixes. The formats that need no such run say instead, in `candidate`, what a value
   * must have (`HAS` bits from the one pass over it): this runs for every environment variable.
   */
  prefix: RegExp;
  candidate?: (has: number, value: string) => boolean;
  pattern: RegExp;
  /** The capture group that is the secret (a URL's password); the whole match by default. */
  group?: number;
  /** A last check on the match (placeholders in URLs are not passwords). */
  accept?: (match: RegExpExecArray) => boolean;
}

const B = '(?<![A-Za-z0-9_])'; // not inside a longer token
const E = '(?![A-Za-z0-9_])';

/** `${PASSWORD}`, `{{password}}`, `<password>`, `$(cat x)`, `%s`, `****`: a template, not a password. */
const PLACEHOLDER = /^(?:\$\{[^}]*\}|\$\([^)]*\)|\{\{[^}]*\}\}|<[^>]*>|%[sd]|\*+|x+|\.\.\.)$|^\$[A-Z_][A-Z0-9_]*$/i;

export const SECRET_FORMATS: readonly SecretFormat[] = [
  {
    label: 'a PEM private key',
    prefix: /-----BEGIN /,
    pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/,
  },
  {
    label: 'an AWS access key id',
    prefix: /A(?:KIA|SIA|BIA|CCA)/,
    pattern: /(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}(?![A-Z0-9])/,
  },
  {
    label: 'a GitHub token',
    prefix: /gh[pousr]_|github_pat_/,
    pattern: new RegExp(`${B}(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{50,255})`),
  },
  {
    label: 'a GitLab token',
    prefix: /gl(?:pat|dt|rt|ptt|ft|soat|imt|agent|cbt|oas)-|GR1348941/,
    pattern: new RegExp(`${B}(?:gl(?:pat|dt|rt|ptt|ft|soat|imt|agent|cbt|oas)-[A-Za-z0-9_-]{20,}|GR1348941[A-Za-z0-9_-]{20,})`),
  },
  {
    label: 'a Slack token',
    prefix: /xox[abposre]-|xapp-|hooks\.slack\.com/,
    pattern:
      /(?<![A-Za-z0-9])(?:xox[abposre]-[A-Za-z0-9-]{10,}|xapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+|https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9/_-]{20,})/,
  },
  {
    label: 'a Stripe key',
    prefix: /(?:sk|rk)_(?:live|test)_|whsec_/,
    pattern: new RegExp(`${B}(?:(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|whsec_[A-Za-z0-9]{24,})`),
  },
  {
    label: 'a Google API key',
    prefix: /AIza/,
    pattern: /(?<![A-Za-z0-9_-])AIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])/,
  },
  {
    label: 'a JSON Web Token',
    prefix: /eyJ/,
    pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{0,}/,
  },
  {
    label: 'an npm token',
    prefix: /npm_/,
    pattern: new RegExp(`${B}npm_[A-Za-z0-9]{36}${E}`),
  },
  {
    label: 'an OpenAI key',
    prefix: /sk-(?:proj|svcacct|admin)-|T3BlbkFJ/,
    pattern: new RegExp(`${B}sk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}|[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})`),
  },
  {
    label: 'an Anthropic key',
    prefix: /sk-ant-/,
    pattern: new RegExp(`${B}sk-ant-(?:api|admin|sid)\\d{2}-[A-Za-z0-9_-]{32,}`),
  },
  {
    label: 'a SendGrid key',
    prefix: /SG\./,
    pattern: new RegExp(`${B}SG\\.[A-Za-z0-9_-]{16,32}\\.[A-Za-z0-9_-]{16,64}`),
  },
  {
    label: 'a HashiCorp Vault token',
    prefix: /hv[sbr]\./,
    pattern: new RegExp(`${B}hv[sbr]\\.[A-Za-z0-9_-]{24,}`),
  },
  {
    label: 'a Hugging Face token',
    prefix: /hf_/,
    pattern: new RegExp(`${B}hf_[A-Za-z]{34,}${E}`),
  },
  {
    label: 'a Shopify token',
    prefix: /shp(?:at|ca|pa|ss)_/,
    pattern: new RegExp(`${B}shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}${E}`),
  },
  {
    label: 'a Databricks token',
    prefix: /dapi[a-f0-9]/,
    pattern: new RegExp(`${B}dapi[a-f0-9]{32}(?:-\\d)?${E}`),
  },
  {
    label: 'a Twilio API key',
    prefix: /SK[0-9a-f]{4}/,
    pattern: new RegExp(`${B}SK[0-9a-f]{32}${E}`),
  },
  {
    // Laravel's APP_KEY and others written the same way: 32 random bytes in base64.
    label: 'a base64-encoded key',
    prefix: /base64:/,
    pattern: /(?<![A-Za-z0-9])base64:[A-Za-z0-9+/]{32,}={0,2}/,
  },
  {
    label: 'a Mailgun key',
    prefix: /key-[0-9a-f]{4}/,
    pattern: new RegExp(`${B}key-[0-9a-f]{32}${E}`),
  },
  {
    label: 'a Postman key',
    prefix: /PMAK-/,
    pattern: new RegExp(`${B}PMAK-[0-9a-f]{24}-[0-9a-f]{34}${E}`),
  },
  {
    label: 'a DigitalOcean token',
    prefix: /do[por]_v1_/,
    pattern: new RegExp(`${B}do[por]_v1_[0-9a-f]{64}${E}`),
  },
  {
    // A whole PEM private key in base64, as people pass one through an environment variable.
    label: 'a base64-encoded private key',
    prefix: /LS0tLS1CRUdJTi/,
    pattern: /LS0tLS1CRUdJTi[A-Za-z0-9+/]{4,}(?:UFJJVkFURSBLRVkt|BSSVZBVEUgS0VZL|QUklWQVRFIEtFWS)/,
  },
  {
    // JDBC: `jdbc:oracle:thin:user/password@host`, or `…;password=…` / `?password=…` (below).
    label: 'a JDBC URL with a password',
    prefix: /jdbc:oracle:/,
    candidate: (has, value) => (has & HAS.colon) !== 0 && value.startsWith('jdbc:oracle:'),
    pattern: /jdbc:oracle:[a-z]+:[^/\s@:]+\/([^@\s]+)@/,
    group: 1,
    accept: (match) => !PLACEHOLDER.test(match[1]!),
  },
  {
    // An Authorization header value: `Basic dXNlcjpwdw==`, `Bearer eyJ…`.
    label: 'an HTTP authorization credential',
    prefix: /\b(?:Basic|Bearer) /,
    candidate: (has) => (has & HAS.space) !== 0,
    pattern: /(?:^|[\s"'])(?:Basic|Bearer) ([A-Za-z0-9+/=._~-]{8,})/,
    group: 1,
  },
  {
    // ADO.NET, ODBC and JDBC property strings: `Server=db;User Id=app;Password=…;`.
    label: 'a connection string with a password',
    prefix: /(?:password|pwd)\s*=/i,
    candidate: (has) => (has & HAS.equals) !== 0,
    pattern: /(?:^|[;?&\s])(?:password|pwd)\s*=\s*([^;&\s]+)/i,
    group: 1,
    accept: (match) => !PLACEHOLDER.test(match[1]!),
  },
  {
    // scheme://user:password@host; the user may be empty (`redis://:pw@host`). Anchored on
    // `://`: a pattern starting at every letter of a long URL would cost microseconds.
    label: 'a URL with a password',
    prefix: /:\/\/[^\s/@]*:[^\s/@]*@/,
    candidate: (has) => (has & (HAS.colon | HAS.at)) === (HAS.colon | HAS.at),
    pattern: /:\/\/[^\s/:@]*:([^\s/@]+)@/,
    group: 1,
    accept: (match) => !PLACEHOLDER.test(match[1]!),
  },
];
