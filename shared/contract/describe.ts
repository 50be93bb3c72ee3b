/** Wording shared by every rejection detail, so registries read one vocabulary. */

export const MISSING = "required field is missing";

/** The JSON type of a value as a registry would name it. */
export function jsonTypeOf(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value === "object" ? "object" : typeof value;
}

/** A value quoted for a detail; long strings are cut so a detail stays one readable line. */
export function show(value: unknown): string {
  if (typeof value === "string") {
    const points = [...value];
    return JSON.stringify(points.length > 60 ? `${points.slice(0, 60).join("")}…` : value);
  }
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

export function quoteList(values: readonly string[]): string {
  return values.map((v) => JSON.stringify(v)).join(", ");
}
