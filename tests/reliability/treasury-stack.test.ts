/**
 * The treasury's round trip on the local stack (payments.md § Payment instructions and results): lines
 * brought to instruction by registry facts, a confirmation from the payee portal, a batch closed and
 * approved on the workbench and the clock's days — each fact on its own publisher's queue — then the
 * payment instructions read off the instructions FIFO queue as the treasury reads them, and answered on
 * the treasury's own queue: one paid, one failed, re-confirmed, instructed again under a new id and paid.
 * A treasury answer delivered twice changes nothing the second time; one sent from another publisher's
 * queue is not-authorised and changes nothing at all.
 */
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { drainQueue } from "../../local/drain";
import { LocalStack } from "../../local/stack";
import type { PaymentInstructionMessage } from "../../shared/decisions/lifecycle/messages";
import type { Reconciliation } from "../../shared/decisions/lifecycle/reconcile";
import { readCity } from "../../shared/policy/files";
import { dynamoEndpoint, sqsEndpoint, uniqueName } from "../support/engines";
import { usccFor } from "../support/parties";
import { type ScenarioEvent, toLine } from "../support/scenarios";
import { confirmedAndApproved, sortBy, tableItems } from "./support";

const city = readCity("jinan");
const BATCH = "hte-first-award-2024-1";
/** Three enterprises with an account on file before approval: each line is instructed at approval. */
const PAYEES = ["E1", "E2", "E3"] as const;
const DISTRICTS = ["370102", "370103", "370104"];

let stack: LocalStack;
let sent = 0;

beforeAll(async () => {
  stack = await LocalStack.start({
    city,
    endpoints: { dynamodb: dynamoEndpoint(), sqs: sqsEndpoint() },
    prefix: uniqueName("treasury"),
    // As the other reliability tests: a fact waiting for what it names is dead-lettered in seconds.
    visibilityTimeoutSeconds: 3,
    receiveLimit: 5,
    workers: 2,
  });
}, 60_000);
afterAll(() => stack?.stop({ removeResources: true }));

const channel = (publisherId: string) => {
  const found = stack.resources.channels.find((c) => c.publisherId === publisherId);
  if (!found) throw new Error(`no channel ${publisherId}`);
  return found;
};
const instructionsQueue = () => {
  const url = stack.resources.queueEnv.INSTRUCTIONS_QUEUE_URL;
  if (!url) throw new Error("the template gives the relay no INSTRUCTIONS_QUEUE_URL");
  return url;
};

/** Each event as its publisher sends it, a line id of its own (the scenario line's index). */
const linesOf = (events: readonly ScenarioEvent[]) => events.map((e) => toLine(e, sent++, "jinan"));

/** Published the way registries, the portal, the workbench and the clock do: each on its own queue. */
async function publish(events: readonly ScenarioEvent[]): Promise<void> {
  expect(await stack.publish(linesOf(events))).toEqual([]);
  await stack.quiet();
}

/** Sent on one publisher's queue as that publisher's principal would, whatever the body's source says. */
async function sendAs(publisherId: string, bodies: readonly string[]): Promise<void> {
  for (const MessageBody of bodies) {
    await stack.sqs.send(
      new SendMessageCommand({ QueueUrl: channel(publisherId).ingestQueueUrl, MessageBody }),
    );
  }
  await stack.quiet();
}

const instructions = async (): Promise<PaymentInstructionMessage[]> =>
  (await drainQueue(stack.sqs, instructionsQueue())).map((body) => JSON.parse(body));
const rejections = async (publisherId: string) =>
  (await drainQueue(stack.sqs, channel(publisherId).rejectedQueueUrl)).map((b) => JSON.parse(b));

const table = () => tableItems(stack);
/** The ledger without its receipts: what a fact's effect is written to. */
const withoutReceipts = (items: readonly string[]) => items.filter((i) => !i.includes('"pk":{"S":"receipt#'));

/** Each payee's hte-first-award 2024 unit as reconciliation buckets it (fen as strings), and the balance. */
async function units(): Promise<{ byPayee: Record<string, Record<string, string>>; all: Reconciliation }> {
  const all = await stack.reconcile();
  const byPayee: Record<string, Record<string, string>> = {};
  for (const alias of PAYEES) {
    const unit = all.units.find(
      (u) => u.program === "hte-first-award" && u.beneficiary === `enterprise:${usccFor(alias)}`,
    );
    byPayee[alias] = Object.fromEntries(
      Object.entries(unit?.buckets ?? {}).map(([bucket, fen]) => [bucket, String(fen)]),
    );
  }
  return { byPayee, all };
}

/** Every unit balances, and the payees' units are in these buckets. */
async function expectUnits(expected: Record<string, Record<string, string>>): Promise<void> {
  const { byPayee, all } = await units();
  expect(all.unbalanced).toEqual([]);
  expect(byPayee).toEqual(expected);
}

/** A treasury message, written once: sent again, it is the same text (a redelivery, byte for byte). */
const written = new Map<string, string>();
const treasury = (id: string, type: string, data: Record<string, unknown>) => {
  const text = written.get(id) ?? toLine({ type, id, source: "treasury/payments", data }, sent++, "jinan");
  written.set(id, text);
  return text;
};
const paid = (id: string, instructionId: string, paidOn: string, amount: string, reference = id) =>
  treasury(id, "disbursement.paid", {
    instructionId,
    reference: `TSY-${reference.toUpperCase()}`,
    paidOn,
    amount,
  });

/** The treasury's one 退票 of the test: E2's first instruction. */
const failed = (instructionId: string) =>
  treasury("fail-1", "disbursement.failed", {
    instructionId,
    failedOn: "2024-09-12",
    reason: "收款账户已销户，退票",
  });

describe("treasury round trip: instruction, payment, failure, corrected confirmation, payment", () => {
  const byPayee = new Map<string, PaymentInstructionMessage>();

  test("every approved line with an account on file is instructed once, amount to the fen", async () => {
    // Certificates GR1–GR3 to E1–E3: 300,000.00 each, in three districts.
    await publish(confirmedAndApproved(PAYEES, BATCH, DISTRICTS));

    const got = await instructions();
    expect(got).toHaveLength(PAYEES.length);
    for (const message of got) {
      const alias = PAYEES.find((a) => usccFor(a) === message.beneficiary.id);
      if (!alias) throw new Error(`an instruction for a beneficiary of no line: ${message.beneficiary.id}`);
      byPayee.set(alias, message);
    }
    for (const alias of PAYEES) {
      const message = byPayee.get(alias);
      expect(message).toMatchObject({
        kind: "payment-instruction",
        attempt: 1,
        batchId: BATCH,
        accountRef: `ACCT-${alias}-1`,
        program: "hte-first-award",
        period: 2024,
        instructedOn: "2024-09-11",
        amountFen: 30_000_000,
        amount: "300000.00",
      });
      // Stable and derived: the line's id and the attempt, the treasury's idempotency key.
      expect(message?.instructionId).toBe(`${message?.lineId}.1`);
      expect(message?.lineId).toMatch(/^hte-first-award\.2024\.20240902\.[0-9a-f]{8}$/);
    }
    const { byPayee: buckets, all } = await units();
    expect(all.unbalanced).toEqual([]);
    for (const alias of PAYEES) expect(buckets[alias]).toEqual({ instructed: "30000000" });
  });

  test("the treasury's answers on its own queue: one paid, one failed (退票), one still instructed", async () => {
    const e1 = byPayee.get("E1")?.instructionId ?? "";
    const e2 = byPayee.get("E2")?.instructionId ?? "";
    await sendAs("treasury", [paid("pay-1", e1, "2024-09-12", "300000.00"), failed(e2)]);
    expect(await rejections("treasury")).toEqual([]);
    await expectUnits({
      E1: { disbursed: "30000000" },
      E2: { failed: "30000000" },
      E3: { instructed: "30000000" },
    });
    // A failure is not a new instruction: the line waits for a corrected confirmation.
    expect(await instructions()).toEqual([]);
  });

  test("an answer delivered twice changes nothing the second time, under its id or a new one", async () => {
    const e1 = byPayee.get("E1")?.instructionId ?? "";
    const e2 = byPayee.get("E2")?.instructionId ?? "";
    const before = await table();
    await sendAs("treasury", [
      // The same messages redelivered, byte for byte: duplicates of their receipts.
      paid("pay-1", e1, "2024-09-12", "300000.00"),
      failed(e2),
      // The treasury reporting the same payment again under a new message id: the same fact, a duplicate.
      paid("pay-1-resent", e1, "2024-09-12", "300000.00", "pay-1"),
      // Another result for an instruction already answered: the first result stands.
      paid("pay-1-other", e1, "2024-09-13", "300000.00"),
      treasury("fail-1-after-paid", "disbursement.failed", {
        instructionId: e1,
        failedOn: "2024-09-13",
        reason: "退票",
      }),
    ]);
    expect(sortBy(await rejections("treasury"), (r) => r.id).map((r) => [r.id, r.reason, r.detail])).toEqual([
      ["fail-1-after-paid", "invalid-data", `data.instructionId: ${e1} was already reported paid`],
      [
        "pay-1-other",
        "conflicting-duplicate",
        `data: disbursement.paid ${e1} already stands (treasury/payments, pay-1) with different data`,
      ],
    ]);
    // Only the resent message's receipt is new: the ledger took it, as a replay of the standing payment.
    const after = await table();
    expect(withoutReceipts(after)).toEqual(withoutReceipts(before));
    const receipts = after.filter((i) => !before.includes(i)).map((i) => JSON.parse(JSON.parse(i).body.S));
    expect(receipts.map((r) => [r.id, r.outcome, r.reason])).toEqual([["pay-1-resent", "applied", "replay"]]);
    expect(await instructions()).toEqual([]);
    expect((await units()).byPayee.E1).toEqual({ disbursed: "30000000" });
  });

  test("a disbursement.paid from a queue other than the treasury's is not-authorised and changes nothing", async () => {
    const e3 = byPayee.get("E3")?.instructionId ?? "";
    const before = await table();
    // The portal's principal, with the treasury's source in the body: the sender is the queue.
    await sendAs("payee-portal", [paid("forged-1", e3, "2024-09-12", "300000.00")]);
    expect((await rejections("payee-portal")).map((r) => [r.id, r.type, r.reason])).toEqual([
      ["forged-1", "disbursement.paid", "not-authorised"],
    ]);
    expect(await rejections("treasury")).toEqual([]);
    expect(await table()).toEqual(before);
    expect((await units()).byPayee.E3).toEqual({ instructed: "30000000" });
  });

  test("the failed line is instructed again only after a corrected confirmation, under attempt 2", async () => {
    const e2 = byPayee.get("E2");
    // Days pass: nothing re-instructs a failed line on its own, nor does a confirmation dated on the failure's day.
    await publish([
      { type: "clock.day", id: "d-0913", data: { date: "2024-09-13" } },
      {
        type: "payee.confirmed",
        id: "confirm-E2-same-day",
        data: { beneficiary: { ref: "E2" }, accountRef: "ACCT-E2-1", confirmedOn: "2024-09-12" },
      },
    ]);
    expect(await instructions()).toEqual([]);
    expect((await units()).byPayee.E2).toEqual({ failed: "30000000" });

    await publish([
      {
        type: "payee.confirmed",
        id: "confirm-E2-corrected",
        data: { beneficiary: { ref: "E2" }, accountRef: "ACCT-E2-2", confirmedOn: "2024-09-13" },
      },
    ]);
    const again = await instructions();
    expect(again).toHaveLength(1);
    expect(again[0]).toMatchObject({
      instructionId: `${e2?.lineId}.2`,
      attempt: 2,
      lineId: e2?.lineId,
      accountRef: "ACCT-E2-2",
      instructedOn: "2024-09-13",
      amountFen: 30_000_000,
      amount: "300000.00",
    });
    expect((await units()).byPayee.E2).toEqual({ instructed: "30000000" });

    // The first attempt can no longer be answered; the second is paid.
    await sendAs("treasury", [
      paid("pay-2-late", e2?.instructionId ?? "", "2024-09-16", "300000.00"),
      paid("pay-2", `${e2?.lineId}.2`, "2024-09-16", "300000.00"),
    ]);
    expect((await rejections("treasury")).map((r) => [r.id, r.reason, r.detail])).toEqual([
      ["pay-2-late", "invalid-data", `data.instructionId: ${e2?.instructionId} was superseded by attempt 2`],
    ]);
    await expectUnits({
      E1: { disbursed: "30000000" },
      E2: { disbursed: "30000000" },
      E3: { instructed: "30000000" },
    });
    expect(await instructions()).toEqual([]);
  });
});
