import type { z } from "zod";
import { cut } from "./describe";

export type RejectionReason =
  | "malformed-json"
  | "not-cloudevent"
  | "unsupported-type"
  | "not-authorised"
  | "wrong-city"
  | "invalid-data"
  | "future-time"
  | "future-date"
  | "conflicting-duplicate";

/** The first reason a message breaks, in this order, is the one reported (contract: precedence). */
export const REJECTION_PRECEDENCE: readonly RejectionReason[] = [
  "malformed-json",
  "not-cloudevent",
  "unsupported-type",
  "not-authorised",
  "wrong-city",
  "invalid-data",
  "future-time",
  "future-date",
  "conflicting-duplicate",
];

/** What the rejected queue carries (without `receivedAt`, which the receiver stamps). */
export interface Rejection {
  source: string | null;
  id: string | null;
  type: string | null;
  reason: RejectionReason;
  /** `<dotted path>: <what is wrong>`, e.g. `data.enterprise.uscc: check character is 'X', expected '3'`. */
  detail: string;
}

/**
 * How much of the message a rejection repeats, in code points: the contract's own limits for `source` and
 * `id`, as much for `type` (the longest supported type is 31), and a detail of one readable paragraph.
 * A longer value is cut and ends with "…" (describe.ts CUT_MARK), so a rejection of any message is a few
 * kilobytes at most (≤ 6 bytes a code point as JSON) and always fits on the rejected queue.
 */
export const ECHO_LIMITS = { source: 256, id: 128, type: 128, detail: 1000 } as const;

/** The rejection of a message, its echoes bounded by ECHO_LIMITS. */
export function rejectionOf(
  echo: { source: string | null; id: string | null; type: string | null },
  reason: RejectionReason,
  detail: string,
): Rejection {
  const bounded = (value: string | null, max: number) => (value === null ? null : cut(value, max));
  return {
    source: bounded(echo.source, ECHO_LIMITS.source),
    id: bounded(echo.id, ECHO_LIMITS.id),
    type: bounded(echo.type, ECHO_LIMITS.type),
    reason,
    detail: cut(detail, ECHO_LIMITS.detail),
  };
}

/** A rule was broken at `path`; the parser turns it into a Rejection with the message's ids. */
export interface Problem {
  reason: RejectionReason;
  path: string;
  message: string;
}

export function problem(reason: RejectionReason, path: string, message: string): Problem {
  return { reason, path, message };
}

type Schema = z.core.$ZodType;

/** Looks through `optional` and `pipe` (a transform's input side) to the schema that holds fields. */
function unwrap(schema: Schema): Schema {
  let current = schema;
  for (;;) {
    const def = current._zod.def;
    if (def.type === "optional") current = (def as z.core.$ZodOptionalDef).innerType;
    else if (def.type === "pipe") current = (def as z.core.$ZodPipeDef).in;
    else return current;
  }
}

/** Whether the field at `path` may be omitted: then a `null` there gets "omit the field" as its fix. */
function isOptionalAt(schema: Schema, path: readonly PropertyKey[]): boolean {
  let current: Schema | undefined = schema;
  for (const key of path) {
    const holder: Schema | undefined = current && unwrap(current);
    if (holder?._zod.def.type !== "object") return false;
    current = (holder._zod.def as z.core.$ZodObjectDef).shape[key as string];
  }
  return current?._zod.optin === "optional";
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** The first issue of a data parse as a Problem at `data.<path>`. */
export function dataProblem(error: z.ZodError, schema: Schema, data: unknown): Problem {
  const issue = error.issues[0];
  if (!issue) return problem("invalid-data", "data", "is not valid");
  const path = ["data", ...issue.path.map(String)].join(".");
  const nullWhereOptional =
    issue.code !== "unrecognized_keys" &&
    valueAt(data, issue.path) === null &&
    isOptionalAt(schema, issue.path);
  return problem(
    "invalid-data",
    path,
    nullWhereOptional ? "null is not allowed; omit the field" : issue.message,
  );
}
