import type { Selectable } from "./values";

/** The value at a dotted path of a fact's data (`buyer.sme`), or `undefined`. */
export function valueAt(data: unknown, path: string): unknown {
  let current: unknown = data;
  for (const part of path.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** Whether every `when` condition holds: the field's value is one of those listed. */
export function matchesWhen(
  data: unknown,
  when: Record<string, readonly (string | boolean | number)[]>,
): boolean {
  return Object.entries(when).every(([path, allowed]) => allowed.includes(valueAt(data, path) as string));
}

/** A selectable parameter's value for this fact; `undefined` when the fact's value is not listed. */
export function select<T>(data: unknown, parameter: Selectable<T>): { value: T; label?: string } | undefined {
  if (parameter !== null && typeof parameter === "object" && "by" in parameter && "values" in parameter) {
    const label = String(valueAt(data, parameter.by));
    const value = parameter.values[label];
    return value === undefined ? undefined : { value, label: `${parameter.by} ${label}` };
  }
  return { value: parameter as T };
}

/** A money field of the parsed data (bigint fen), or `undefined`. */
export function fenAt(data: unknown, path: string): bigint | undefined {
  const value = valueAt(data, path);
  return typeof value === "bigint" ? value : undefined;
}
