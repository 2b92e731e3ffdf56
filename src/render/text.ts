/**
 * Text helpers every renderer shares, and the limits of a published message (SNS's: the channels
 * deliver what they are given, so the renderers keep within them).
 */

/**
 * SNS documents the subject as "less than 100 characters", ASCII, no line breaks; a non-conforming subject fails the
 * Publish call, so the alert would be lost. 99 satisfies both readings of the limit.
 */
export const MAX_SUBJECT_LENGTH = 99;
/** SNS caps a message at 256 KiB including its attributes and subject; the body keeps under 250 KiB to leave room. */
export const MAX_MESSAGE_BYTES = 250 * 1024;

const encoder = new TextEncoder();

/** Bytes of `text` in UTF-8: what SNS counts. */
export const byteLength = (text: string): number => encoder.encode(text).length;

/** SNS rejects non-ASCII and control characters in subjects: transliterate what can be, replace the rest. */
export function toAsciiLine(text: string): string {
  return text
    .replace(/[\u2012-\u2015\u2212]/g, '-')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201C\u201D]/g, '"')
    .replace(/\u2026/g, '...')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\s+/g, ' ')
    .replace(/[^\x20-\x7E]/g, '?');
}

/** Cuts `text` to `max` UTF-16 units ending in `ellipsis`, never splitting a surrogate pair. */
export function truncate(text: string, max: number, ellipsis = '...'): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - ellipsis.length));
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return cut + ellipsis;
}

/** `1 finding`, `2 findings`; `many` for irregular plurals. */
export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
