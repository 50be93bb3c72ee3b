import { createHash } from "node:crypto";
import { z } from "zod";
import { usccProblem } from "../../../shared/contract/uscc";
import { collections, type ItemCollection, type ItemKey } from "../../../shared/decisions/keys";
import { readTrace, type TraceSource, type TraceView } from "../../../shared/decisions/trace";
import type { BeneficiaryKind } from "../../../shared/policy/parties";

/**
 * `GET /trace/{uscc}` and `GET /trace/{kind}/{id}` (auditor; workbench.md § Trace): one page of a
 * beneficiary's trace. Written as a function of the parsed path and query and a trace source, so the
 * workbench router (branch wb-api) mounts it behind its identity and role check and its problem+json errors.
 */

export const TRACE_ROLE = "auditor";

const KINDS = ["enterprise", "team", "carrier", "district", "bank", "institution"] as const;

export interface TraceRequest {
  /** `{uscc}` alone, or `{kind}` and `{id}`. */
  path: { id: string; kind?: string };
  query: Record<string, string | undefined>;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { in: "path" | "query"; name: string; detail: string }[];
}

export type TraceResponse =
  | { status: 200; body: TraceView & { nextCursor: string | null } }
  | { status: 400; body: Problem };

const QUERY = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .optional(),
});

export async function traceRoute(request: TraceRequest, source: TraceSource): Promise<TraceResponse> {
  const who = beneficiaryOf(request.path);
  if ("problem" in who) return invalid("path", who.name, who.problem);
  const query = QUERY.safeParse(request.query);
  if (!query.success) {
    const issue = query.error.issues[0];
    const name = String(issue?.path[0] ?? (issue && "keys" in issue ? issue.keys[0] : "query"));
    return invalid(
      "query",
      name,
      issue?.code === "unrecognized_keys" ? "unknown parameter" : (issue?.message ?? "invalid"),
    );
  }
  const fingerprint = fingerprintOf(who);
  let after: ItemKey | undefined;
  if (query.data.cursor) {
    after = cursorKey(query.data.cursor, fingerprint, collections.history(who));
    if (!after) {
      return {
        status: 400,
        body: problem(
          "invalid-cursor",
          "The cursor is not valid",
          "the cursor does not decode or belongs to another query",
        ),
      };
    }
  }
  const { view, next } = await readTrace(source, who, {
    limit: query.data.limit,
    ...(after ? { after } : {}),
  });
  const nextCursor = next
    ? Buffer.from(JSON.stringify({ q: fingerprint, k: next })).toString("base64url")
    : null;
  return { status: 200, body: { ...view, nextCursor } };
}

/** A USCC alone is an enterprise (checked); any other beneficiary names its kind. */
function beneficiaryOf(
  path: TraceRequest["path"],
): { kind: BeneficiaryKind; id: string } | { problem: string; name: string } {
  if (path.kind === undefined) {
    const problem = usccProblem(path.id);
    return problem
      ? { problem: `not a USCC (${problem}); another beneficiary is /trace/{kind}/{id}`, name: "id" }
      : { kind: "enterprise", id: path.id };
  }
  if (!(KINDS as readonly string[]).includes(path.kind))
    return { problem: `must be one of ${KINDS.join(", ")}`, name: "kind" };
  if (!/^[\p{L}\p{N}._:-]{1,128}$/u.test(path.id))
    return { problem: "must be 1–128 letters, digits or ._:-", name: "id" };
  if (path.kind === "enterprise") {
    const problem = usccProblem(path.id);
    if (problem) return { problem: `not a USCC (${problem})`, name: "id" };
  }
  return { kind: path.kind as BeneficiaryKind, id: path.id };
}

function fingerprintOf(who: { kind: string; id: string }): string {
  return createHash("sha256")
    .update(`trace\u0000${who.kind}\u0000${who.id}`)
    .digest("base64url")
    .slice(0, 16);
}

/** The key a cursor resumes after, when it decodes and was issued for this beneficiary's trace. */
function cursorKey(cursor: string, fingerprint: string, history: ItemCollection): ItemKey | undefined {
  try {
    const { q, k } = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as {
      q?: unknown;
      k?: ItemKey;
    };
    if (q !== fingerprint || k?.pk !== history.pk || typeof k.sk !== "string") return undefined;
    if (!k.sk.startsWith(history.skPrefix)) return undefined;
    return { pk: k.pk, sk: k.sk };
  } catch {
    return undefined;
  }
}

function problem(type: string, title: string, detail: string): Problem {
  return { type: `urn:autogrant:problem:${type}`, title, status: 400, detail };
}

function invalid(where: "path" | "query", name: string, detail: string): TraceResponse {
  const body = problem(
    "invalid-request",
    "The request is not valid",
    `${where} parameter ${name}: ${detail}`,
  );
  return { status: 400, body: { ...body, errors: [{ in: where, name, detail }] } };
}
