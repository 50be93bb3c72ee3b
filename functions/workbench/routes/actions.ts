import { z } from "zod";
import { parseMessage } from "../../../shared/contract";
import { keyId, keys } from "../../../shared/decisions/keys";
import type { StaffIdentity } from "../../../shared/policy/workbench";
import type { RouteContext, RouteHandler } from "../app";
import { InvalidRequestError, MissingIdempotencyKeyError } from "../errors";
import { json, jsonBody, parsePart } from "../http";
import { batchId, pathOf, programId, programOf, query } from "./params";

/** The staff channel's source (events.md § Publishers): the workbench publishing for a person. */
const SOURCE = "staff/workbench";
const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,128}$/;

function idempotencyKey(context: RouteContext): string {
  const headers = context.event.headers ?? {};
  const key = Object.entries(headers).find(([name]) => name.toLowerCase() === "idempotency-key")?.[1];
  if (key === undefined || key === "") {
    throw new MissingIdempotencyKeyError("send an Idempotency-Key header: a retried click is then one fact");
  }
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new InvalidRequestError([
      { in: "header", name: "Idempotency-Key", detail: "must be 1–128 characters A-Za-z0-9 . _ : -" },
    ]);
  }
  return key;
}

/** The person as the fact carries them: from the verified identity, never from the request. */
const actorOf = (caller: StaffIdentity) => ({ id: caller.id, name: caller.name, roles: caller.roles });

/**
 * Publishes a staff fact: the CloudEvent is judged by the contract first (so a malformed one is 400 and
 * nothing is sent), then sent on the workbench's ingest queue. The core decides it (maker–checker, an
 * empty batch, a window not yet over); the outcome is read back, never assumed.
 */
async function publish(context: RouteContext, type: string, data: Record<string, unknown>) {
  const { city, staff, now, reader } = context.deps;
  const id = idempotencyKey(context);
  // A retried click after its fact was decided: the receipt stands, send nothing (a new `time` would make
  // the same id a conflicting duplicate). A retry while the first is still queued is sent and rejected as
  // `conflicting-duplicate`; the first stands either way: one fact per key.
  const receipt = keys.receipt(SOURCE, id);
  if ((await reader.readItems([receipt])).has(keyId(receipt))) {
    return json(202, { factId: id, type, source: SOURCE, actor: data.actor, duplicate: true });
  }
  const fact = { specversion: "1.0", id, source: SOURCE, type, time: now(), city: city.city, data };
  const body = JSON.stringify(fact);
  const publisher = city.publisherOf(SOURCE) ?? null;
  const judged = parseMessage(body, city, { senderFor: () => publisher, receivedAt: fact.time });
  if (!judged.ok) {
    const { reason, detail } = judged.rejection;
    // The detail starts with the field's dotted path (`data.amount: …`): name it, as any bad field is named.
    const field = detail.split(":")[0]?.replace(/^data\./, "") || reason;
    throw new InvalidRequestError([{ in: "body", name: field, detail }]);
  }
  await staff.send(body);
  return json(202, { factId: id, type, source: SOURCE, actor: data.actor });
}

const emptyBody = z.strictObject({});

const batchAction =
  (type: "batch.closed" | "batch.approved"): RouteHandler =>
  async (context) => {
    const path = parsePart("path", z.strictObject({ batchId }), pathOf(context.event));
    parsePart("query", z.strictObject({}), query(context.event));
    parsePart("body", emptyBody, jsonBody(context.event));
    return publish(context, type, { batchId: path.batchId, actor: actorOf(context.caller) });
  };

const allocation = z.strictObject({
  policyVersion: programId,
  program: programId,
  period: z.number().int().min(1000).max(9999),
  amount: z.string().min(1).max(20),
  allocationId: z.string().regex(IDEMPOTENCY_KEY, "must be 1–128 characters A-Za-z0-9 . _ : -").optional(),
});

const allocateBudget: RouteHandler = async (context) => {
  parsePart("query", z.strictObject({}), query(context.event));
  const body = parsePart("body", allocation, jsonBody(context.event));
  const { version } = programOf(context.deps.city, body.period, body.program);
  if (version.id !== body.policyVersion) {
    throw new InvalidRequestError([
      {
        in: "body",
        name: "policyVersion",
        detail: `${body.period} is under ${version.id}, not ${body.policyVersion}`,
      },
    ]);
  }
  return publish(context, "budget.allocated", {
    // The contract's identifiers are upper case (case-insensitive ids, sent one way).
    allocationId: (body.allocationId ?? idempotencyKey(context)).toUpperCase(),
    policyVersion: body.policyVersion,
    program: body.program,
    period: body.period,
    amount: body.amount,
    actor: actorOf(context.caller),
  });
};

export const actionRoutes: Record<string, RouteHandler> = {
  closeBatch: batchAction("batch.closed"),
  approveBatch: batchAction("batch.approved"),
  allocateBudget,
};
