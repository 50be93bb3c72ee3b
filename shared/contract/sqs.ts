import { utf8Bytes } from "./utf8";

/**
 * What an SQS message may hold. Every string the contract accepts ends up in some outbound message (a
 * payout names its beneficiary and cause; a rejection echoes the envelope), so the contract's text rules
 * and every serialiser that feeds a queue share this one rule.
 */

/** SendMessage's character rule: #x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD | #x10000–#x10FFFF. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: tab, LF and CR are exactly what SQS allows.
const NOT_SQS_CHARACTER = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const NOT_SQS_CHARACTERS = new RegExp(NOT_SQS_CHARACTER.source, "gu");

/** SQS's largest message body, in UTF-8 bytes (1 MiB). */
export const SQS_MAX_MESSAGE_BYTES = 1_048_576;

export interface SqsRefusal {
  reason: "invalid-characters" | "too-large";
  detail: string;
}

const hex = (code: number) => code.toString(16).toUpperCase().padStart(4, "0");

/** Why SQS would refuse this message body, or `undefined` if it would carry it. */
export function sqsRefusal(body: string): SqsRefusal | undefined {
  const at = NOT_SQS_CHARACTER.exec(body);
  if (at) {
    return {
      reason: "invalid-characters",
      detail: `U+${hex(at[0].codePointAt(0) ?? 0)} at UTF-16 offset ${at.index} is not a character SQS accepts`,
    };
  }
  const bytes = utf8Bytes(body);
  if (bytes > SQS_MAX_MESSAGE_BYTES) {
    return { reason: "too-large", detail: `${bytes} bytes is more than SQS's ${SQS_MAX_MESSAGE_BYTES}` };
  }
  return undefined;
}

/** The first character of a string no SQS message may carry, as a detail's words; `undefined` if none. */
export function sqsCharacterProblem(value: string): string | undefined {
  const at = NOT_SQS_CHARACTER.exec(value);
  if (!at) return undefined;
  const position = [...value.slice(0, at.index)].length + 1;
  return `contains U+${hex(at[0].codePointAt(0) ?? 0)} (character ${position}), which no SQS message may carry`;
}

/**
 * JSON for an SQS message body: JSON.stringify, with any character SQS refuses written as a `\uXXXX`
 * escape, which is plain ASCII on the wire and the same string once parsed. JSON.stringify already escapes
 * C0 controls and (ES2019) lone surrogates; U+FFFE and U+FFFF are what it leaves raw. Such characters can
 * only stand inside JSON strings, where an escape means the same character (RFC 8259 §7).
 */
export function sqsJson(value: unknown): string {
  return JSON.stringify(value).replace(NOT_SQS_CHARACTERS, (ch) => `\\u${hex(ch.charCodeAt(0))}`);
}
