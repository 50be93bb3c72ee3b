/** JSON values as the generator builds them; `undefined` members are left out when serialised. */
export type Json = string | number | boolean | null | readonly Json[] | JsonObject;
export interface JsonObject {
  readonly [key: string]: Json | undefined;
}

export function isJsonObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The same value with every object's keys in reverse order (arrays keep theirs). */
export function reverseKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (!isJsonObject(value)) return value;
  const out: Record<string, Json> = {};
  for (const key of Object.keys(value).reverse()) {
    const member = value[key];
    if (member !== undefined) out[key] = reverseKeys(member);
  }
  return out;
}

/** The same value with `rewrite` applied to every string member whose key is in `keys`, at any depth. */
export function rewriteStrings(value: Json, keys: ReadonlySet<string>, rewrite: (s: string) => string): Json {
  if (Array.isArray(value)) return value.map((item) => rewriteStrings(item, keys, rewrite));
  if (!isJsonObject(value)) return value;
  const out: Record<string, Json> = {};
  for (const [key, member] of Object.entries(value)) {
    if (member === undefined) continue;
    out[key] =
      typeof member === "string" && keys.has(key) ? rewrite(member) : rewriteStrings(member, keys, rewrite);
  }
  return out;
}
