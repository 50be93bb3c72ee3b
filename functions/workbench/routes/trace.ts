import { z } from "zod";
import { usccProblem } from "../../../shared/contract/uscc";
import { collections, type ItemKey, LEDGER_TABLE } from "../../../shared/decisions/keys";
import { readTrace, type TraceSource } from "../../../shared/decisions/trace";
import type { LedgerReader } from "../../../shared/ledger/reader";
import type { BeneficiaryKind } from "../../../shared/policy/parties";
import { BENEFICIARY_KINDS } from "../../../shared/policy/payments";
import type { RouteHandler } from "../app";
import { InvalidRequestError } from "../errors";
import { encodeCursor, fingerprint, json, parsePart } from "../http";
import { pageOf, paging, pathOf, query } from "./params";

/**
 * `GET /trace/{uscc}` and `GET /trace/{kind}/{id}` (auditor; workbench.md § Trace): one page of a
 * beneficiary's trace, read by consistent queries of its own partition (never an index, never a Scan).
 */
const trace: RouteHandler = async ({ event, deps }) => {
  const path = pathOf(event);
  const who = beneficiaryOf({ id: path.id ?? "", ...(path.kind !== undefined ? { kind: path.kind } : {}) });
  if ("problem" in who) throw new InvalidRequestError([{ in: "path", name: who.name, detail: who.problem }]);
  const q = parsePart("query", z.strictObject(paging), query(event));
  const history = collections.history(who);
  const query_ = fingerprint("trace", who.kind, who.id);
  const page = pageOf(q, query_, [LEDGER_TABLE.partitionKey, history.pk]);
  const { view, next } = await readTrace(traceSource(deps.reader), who, {
    limit: page.limit,
    ...(page.after ? { after: { pk: page.after.pk ?? "", sk: page.after.sk ?? "" } } : {}),
  });
  return json(200, {
    ...view,
    nextCursor: encodeCursor(query_, next ? { pk: next.pk, sk: next.sk } : undefined),
  });
};

/** The read port as the trace reads it: its beneficiary's history partition, a page at a time. */
function traceSource(reader: LedgerReader): TraceSource {
  return {
    readItems: (keys) => reader.readItems(keys),
    historyPage: async (who, page) => {
      const read = await reader.queryPage(collections.history(who as { kind: BeneficiaryKind; id: string }), {
        limit: page.limit,
        after: page.after ? { pk: page.after.pk, sk: page.after.sk } : undefined,
      });
      const next: ItemKey | null = read.next ? { pk: read.next.pk ?? "", sk: read.next.sk ?? "" } : null;
      return { items: read.items, next };
    },
  };
}

export const traceRoutes: Record<string, RouteHandler> = { traceUscc: trace, traceKind: trace };

/** A USCC alone is an enterprise (checked); any other beneficiary names its kind. */
function beneficiaryOf(path: {
  id: string;
  kind?: string;
}): { kind: BeneficiaryKind; id: string } | { problem: string; name: string } {
  if (path.kind === undefined) {
    const problem = usccProblem(path.id);
    return problem
      ? { problem: `not a USCC (${problem}); another beneficiary is /trace/{kind}/{id}`, name: "id" }
      : { kind: "enterprise", id: path.id };
  }
  if (!(BENEFICIARY_KINDS as readonly string[]).includes(path.kind))
    return { problem: `must be one of ${BENEFICIARY_KINDS.join(", ")}`, name: "kind" };
  if (!/^[\p{L}\p{N}._:-]{1,128}$/u.test(path.id))
    return { problem: "must be 1–128 letters, digits or ._:-", name: "id" };
  if (path.kind === "enterprise") {
    const problem = usccProblem(path.id);
    if (problem) return { problem: `not a USCC (${problem})`, name: "id" };
  }
  return { kind: path.kind as BeneficiaryKind, id: path.id };
}
