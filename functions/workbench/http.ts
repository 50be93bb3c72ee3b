import { createHash } from "node:crypto";
import type { APIGatewayProxyEventV2WithIAMAuthorizer, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import type { z } from "zod";
import { type Fen, fenToYuan } from "../../shared/money";
import {
  type FieldError,
  InvalidCursorError,
  InvalidRequestError,
  UnsupportedMediaTypeError,
  type WorkbenchProblemError,
} from "./errors";

export type WorkbenchEvent = APIGatewayProxyEventV2WithIAMAuthorizer;
export type WorkbenchResult = APIGatewayProxyStructuredResultV2;

/** An amount as the API shows it: yuan string and fen as a decimal string (never a JSON number). */
export interface Money {
  amount: string;
  amountFen: string;
}
export function moneyOf(fen: Fen | number): Money {
  const exact = BigInt(fen);
  return { amount: fenToYuan(exact), amountFen: exact.toString() };
}

/** Parses one part of a request with a strict schema; every issue becomes a named field error. */
export function parsePart<S extends z.ZodType>(
  where: FieldError["in"],
  schema: S,
  value: unknown,
): z.output<S> {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  throw new InvalidRequestError(
    parsed.error.issues.flatMap((issue): FieldError[] => {
      if (issue.code === "unrecognized_keys") {
        return issue.keys.map((name) => ({
          in: where,
          name,
          detail: name === "actor" ? "the actor is the signed-in caller, never a field" : "not accepted here",
        }));
      }
      return [{ in: where, name: issue.path.join(".") || "(whole)", detail: issue.message }];
    }),
  );
}

/** A JSON body (empty counts as `{}`), or 415. */
export function jsonBody(event: WorkbenchEvent): unknown {
  if (!event.body) return {};
  const text = event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body;
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new UnsupportedMediaTypeError("the body is not a JSON document", { cause });
  }
}

export function json(statusCode: number, body: unknown): WorkbenchResult {
  return {
    statusCode,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
    body: JSON.stringify(body),
  };
}

export function problemResult(error: WorkbenchProblemError, instance?: string): WorkbenchResult {
  return {
    statusCode: error.status,
    headers: { "content-type": "application/problem+json; charset=utf-8", "cache-control": "no-store" },
    body: JSON.stringify({
      type: `urn:autogrant:problem:${error.problem}`,
      title: error.title,
      status: error.status,
      detail: error.message,
      ...(instance ? { instance } : {}),
      ...(error.errors ? { errors: error.errors } : {}),
    }),
  };
}

/** A file to download: text as is, binary as base64 (API Gateway decodes it). */
export function download(file: { name: string; type: string; body: Buffer | string }): WorkbenchResult {
  const binary = typeof file.body !== "string";
  return {
    statusCode: 200,
    headers: {
      "content-type": file.type,
      "content-disposition": `attachment; filename="${file.name}"`,
      "cache-control": "no-store",
    },
    body: binary ? (file.body as Buffer).toString("base64") : (file.body as string),
    isBase64Encoded: binary,
  };
}

/**
 * The opaque cursor: base64url of `{ q, k }`, `q` a fingerprint of the query (route, parameters, filters),
 * `k` the last key read. A cursor of another query — or edited — is refused, never followed.
 */
export function fingerprint(...parts: readonly unknown[]): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("base64url").slice(0, 22);
}

export function encodeCursor(query: string, key: Record<string, string> | undefined): string | null {
  return key ? Buffer.from(JSON.stringify({ q: query, k: key })).toString("base64url") : null;
}

/** `partition`: the key attribute and value every key of this query has (a forged key of another is refused). */
export function decodeCursor(
  query: string,
  cursor: string | undefined,
  partition: readonly [string, string],
): Record<string, string> | undefined {
  if (cursor === undefined) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch (cause) {
    throw new InvalidCursorError("the cursor does not decode", { cause });
  }
  const { q, k } = (decoded ?? {}) as { q?: unknown; k?: unknown };
  const isKey =
    k !== null &&
    typeof k === "object" &&
    Object.values(k).every((v) => typeof v === "string") &&
    Object.keys(k).length > 0;
  if (q !== query || !isKey || (k as Record<string, string>)[partition[0]] !== partition[1])
    throw new InvalidCursorError("the cursor belongs to another query");
  return k as Record<string, string>;
}
