/**
 * Lambda event filtering, for the patterns the stack uses: every key of the pattern must be present in
 * the record; a list matches when the record's value is one of its (string, number, boolean) values. The
 * pattern is the one the synthesised template carries (template.ts), never a copy.
 */
export function matchesFilterPattern(pattern: unknown, value: unknown): boolean {
  if (pattern === undefined) return true;
  if (Array.isArray(pattern)) return pattern.some((allowed) => allowed === value);
  if (pattern === null || typeof pattern !== "object") return pattern === value;
  if (value === null || typeof value !== "object") return false;
  return Object.entries(pattern).every(([key, sub]) =>
    matchesFilterPattern(sub, (value as Record<string, unknown>)[key]),
  );
}

/** A source's filter for a pattern; no pattern lets every record through. */
export function eventFilter(pattern: unknown): (record: unknown) => boolean {
  return (record) => matchesFilterPattern(pattern, record);
}
