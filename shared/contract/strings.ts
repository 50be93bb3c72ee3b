import { showChar } from "./describe";
import { sqsCharacterProblem } from "./sqs";

/** Problems with string values, as text after the field's path; `undefined` when the value is fine. */

/** 1–max code points, each allowed by `ok`: names the first character that is not. */
function charactersProblem(value: string, rule: string, max: number, ok: (ch: string) => boolean) {
  const points = [...value];
  if (points.length === 0) return `${rule} (got "")`;
  const bad = points.findIndex((ch) => !ok(ch));
  if (bad >= 0) return `${rule}; character ${bad + 1} is ${showChar(points[bad] ?? "")}`;
  if (points.length > max) return `${rule} (got ${points.length})`;
  return undefined;
}

/** Printable ASCII without space (0x21–0x7E), 1–max characters: message ids and registry identifiers. */
export function asciiIdProblem(value: string, max: number): string | undefined {
  const rule = `must be 1–${max} printable ASCII characters without spaces`;
  return charactersProblem(value, rule, max, (ch) => ch >= "!" && ch <= "~");
}

/**
 * Registry identifiers and organisation ids are case-insensitive codes: `GRADVCASE1` and `gradvcase1` are
 * one certificate. Compared as exact strings they paid two first awards, and folding case silently would
 * store and pay under a spelling the registry never sent, so the contract admits one spelling and rejects
 * the other with its position: identifiers in upper case (certificate, invoice, contract and loan numbers
 * are written so), organisation ids in lower case (slugs, like the districts' functional-zone ids).
 */
function caseProblem(value: string, wrong: RegExp, rule: string): string | undefined {
  const at = [...value].findIndex((ch) => wrong.test(ch));
  return at < 0 ? undefined : `${rule}; character ${at + 1} is ${showChar([...value][at] ?? "")}`;
}

/** An identifier: printable ASCII without space, 1–max characters, no lower-case letter. */
export function identifierProblem(value: string, max: number): string | undefined {
  return (
    asciiIdProblem(value, max) ??
    caseProblem(value, /[a-z]/, "must be upper case (identifiers are case-insensitive; send them upper case)")
  );
}

/** The characters of an organisation id; lower case is its case rule, apart (a USCC holder id is upper). */
export const ORGANISATION_ID_CHARACTERS = /^[A-Za-z0-9._-]{1,64}$/;
export const ORGANISATION_ID_PATTERN = /^[a-z0-9._-]{1,64}$/;

export function organisationIdCharactersProblem(value: string): string | undefined {
  const rule = "must be 1–64 characters from A–Z, a–z, 0–9, '.', '_', '-'";
  return charactersProblem(value, rule, 64, (ch) => /^[A-Za-z0-9._-]$/.test(ch));
}

export function organisationIdCaseProblem(value: string): string | undefined {
  const rule = "must be lower case (organisation ids are case-insensitive; send them lower case)";
  return caseProblem(value, /[A-Z]/, rule);
}

export function organisationIdProblem(value: string): string | undefined {
  return organisationIdCharactersProblem(value) ?? organisationIdCaseProblem(value);
}

/** Lone surrogates cannot be encoded as UTF-8, so two different names could hash and store alike. */
function unpairedSurrogate(value: string): boolean {
  return /\p{Surrogate}/u.test(value);
}

const UNPAIRED = "contains an unpaired UTF-16 surrogate (not valid Unicode)";

/**
 * Free text counted in Unicode code points (a CJK character or an emoji is one). It must be text an SQS
 * message can carry: written as a JSON escape, U+FFFE or U+0001 passes the queue on the way in, but every
 * payout or rejection that repeats it could not be sent.
 */
export function textProblem(value: string, max: number, notBlank: boolean): string | undefined {
  const length = [...value].length;
  if (length === 0) return "must not be empty";
  if (length > max) return `must be at most ${max} characters (got ${length})`;
  if (notBlank && /^\s*$/u.test(value)) return "must not be only whitespace";
  if (unpairedSurrogate(value)) return UNPAIRED;
  return sqsCharacterProblem(value);
}

/** Control characters: C0, DEL and C1 (Unicode category Cc). */
function isControl(ch: string): boolean {
  const code = ch.codePointAt(0) ?? 0;
  return code <= 0x1f || (code >= 0x7f && code <= 0x9f);
}

/** `source`: 1–256 characters, no whitespace or control characters; like text, carried by SQS. */
export function sourceProblem(value: string): string | undefined {
  const rule = "must be 1–256 characters without whitespace or control characters";
  const wrong = charactersProblem(value, rule, 256, (ch) => !isControl(ch) && !/\s/u.test(ch));
  if (wrong !== undefined) return wrong;
  return unpairedSurrogate(value) ? UNPAIRED : sqsCharacterProblem(value);
}
