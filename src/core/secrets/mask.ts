/**
 * Masking: what may be a secret is never printed. A masked value shows a fixed marker and its
 * length, never a prefix: `[masked: 40 characters]`.
 */
import { findSecrets } from './detect.js';

export const masked = (value: string): string => `[masked: ${value.length} character${value.length === 1 ? '' : 's'}]`;

/** `text` with every part the detector calls a secret masked. */
export function maskSecretsIn(text: string): string {
  const found = findSecrets(text);
  if (found.length === 0) return text;
  let out = '';
  let last = 0;
  for (const { start, end } of found) {
    out += text.slice(last, start) + masked(text.slice(start, end));
    last = end;
  }
  return out + text.slice(last);
}

/**
 * `text` with every occurrence of the given values masked (values of sensitive fields, such as
 * environment values, which a message or an error might quote), then every detected secret.
 * Values shorter than 4 characters are left: masking `1` or `on` in a sentence hides nothing.
 */
export function maskValuesIn(text: string, values: Iterable<string>): string {
  let out = text;
  // Longest first: a value that contains another is masked whole.
  for (const value of [...values].sort((a, b) => b.length - a.length)) {
    if (value.length < 4 || !out.includes(value)) continue;
    out = out.split(value).join(masked(value));
  }
  return maskSecretsIn(out);
}
