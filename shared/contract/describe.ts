/** Wording shared by every rejection detail, so registries read one vocabulary. */

export const MISSING = "required field is missing";

/** The JSON type of a value as a registry would name it. */
export function jsonTypeOf(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value === "object" ? "object" : typeof value;
}

/** What ends a cut string: "…" (U+2026), one code point past the limit. */
export const CUT_MARK = "…";

/**
 * `value` if it has at most `max` code points, else its first `max` followed by CUT_MARK. Never splits a
 * surrogate pair, and reads only as far as the limit (a 1 MiB string costs no more than a short one).
 */
export function cut(value: string, max: number): string {
  if (value.length <= max) return value; // UTF-16 units ≥ code points
  let points = 0;
  let end = 0;
  while (end < value.length && points < max) {
    const code = value.codePointAt(end) ?? 0;
    end += code > 0xffff ? 2 : 1;
    points++;
  }
  return end >= value.length ? value : `${value.slice(0, end)}${CUT_MARK}`;
}

/** A value quoted for a detail; long strings are cut so a detail stays one readable line. */
export function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(cut(value, 60));
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return jsonTypeOf(value);
}

/** `(got …)`: the value when it has the expected JSON type (so the problem is its value), else its type. */
export function got(value: unknown, expectedJsonType: string): string {
  return `(got ${jsonTypeOf(value) === expectedJsonType ? show(value) : jsonTypeOf(value)})`;
}

/** One character for a detail: `'证' (U+8BC1)`, or `U+0020` for one that would not show. */
export function showChar(ch: string): string {
  const hex = `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
  // Whitespace, control, format and unassigned characters are invisible or ambiguous in a log: code only.
  return /[\s\p{C}]/u.test(ch) ? hex : `'${ch}' (${hex})`;
}

/** A name that reads unquoted in a dotted path; any other is quoted (and cut, like every shown value). */
const PLAIN_NAME = /^[A-Za-z0-9_$-]{1,64}$/;

/** `data.holder.id`, `data."a.b"`, `data.items.3`: the path of a field for a detail. */
export function dottedPath(segments: readonly (string | number)[]): string {
  return segments.map((s) => (typeof s === "number" || PLAIN_NAME.test(s) ? String(s) : show(s))).join(".");
}

/** Values quoted (and cut, like show) for a detail: a field name can be as long as the message. */
export function quoteList(values: readonly string[]): string {
  return values.map(show).join(", ");
}
