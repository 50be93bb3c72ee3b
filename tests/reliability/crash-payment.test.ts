/**
 * Crashes between instruction and result (payments.md § Payment instructions and results), through the
 * real handlers on the local engines: the ingest dies after the transaction that latches instructions
 * commits, and after the treasury's results commit; the relay dies after putting instructions on the
 * queue, before its checkpoint. Every batch comes back and is handled again. Nothing here is filtered out:
 * unlike the other crash tests (support.ts `conflictFree`), this one is about the lifecycle facts.
 *
 * The relay's retry of a crashed batch reuses each message's deduplication id, which the FIFO queue drops
 * for 5 minutes; retries go on far longer. So when the relay crashes, the test also sends that batch's
 * instructions again — the very messages the outbox holds — under fresh deduplication ids, as a retry
 * after the window would reach the treasury. Once is then the consumer's doing: the treasury below takes an
 * `instructionId` once, as the contract asks of it.
 */

import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { drainQueue } from "../../local/drain";
import type { IngestHandler, RelayHandler } from "../../local/handlers";
import { LocalStack } from "../../local/stack";
import { sqsJson } from "../../shared/contract";
import type { LineItem } from "../../shared/decisions/lifecycle/items";
import type { PaymentInstructionMessage } from "../../shared/decisions/lifecycle/messages";
import { outboxKeyOf } from "../../shared/ledger/codec";
import { DynamoLedger } from "../../shared/ledger/dynamo-ledger";
import { OutboxReader } from "../../shared/ledger/outbox";
import { readCity } from "../../shared/policy/files";
import { dynamoEndpoint, sqsEndpoint, uniqueName } from "../support/engines";
import { usccFor } from "../support/parties";
import { type ScenarioEvent, toLine } from "../support/scenarios";
import { confirmedAndApproved, tableItems } from "./support";

const city = readCity("jinan");
const BATCH = "hte-first-award-2024-1";
const PAYEES = ["E1", "E2", "E3", "E4"] as const;

/** The facts after whose committed batch the ingest worker dies, once each: the batch comes back. */
const INGEST_CRASHES = ["approve-1", "pay-E1", "confirm-E4-corrected", "pay-E4-2"];
const ingestCrashed = new Set<string>();
/** Instruction outbox items after whose sending the relay dies, once each: the stream redelivers them. */
const relayCrashed = new Set<string>();
/** How many times a handler was given each crashed fact, or each instructions outbox item. */
const handled = new Map<string, number>();
const count = (id: string) => handled.set(id, (handled.get(id) ?? 0) + 1);

let stack: LocalStack;
let sent = 0;

const crashIngest =
  (handler: IngestHandler): IngestHandler =>
  async (event) => {
    const response = await handler(event); // every record's transaction has committed
    for (const fact of INGEST_CRASHES)
      if (event.Records.some((r) => r.body.includes(`"id":"${fact}"`))) count(fact);
    const id = INGEST_CRASHES.find(
      (fact) => !ingestCrashed.has(fact) && event.Records.some((r) => r.body.includes(`"id":"${fact}"`)),
    );
    if (!id) return response;
    ingestCrashed.add(id);
    throw new Error(`worker died after committing ${id}, before acknowledging`);
  };

const crashRelay =
  (handler: RelayHandler): RelayHandler =>
  async (event) => {
    const response = await handler(event); // the batch's messages are on their queues
    const keys = event.Records.flatMap((record) => {
      const key = outboxKeyOf(record.dynamodb?.Keys as Record<string, AttributeValue> | undefined);
      if (!key?.sk.startsWith("outbox#instructions#")) return [];
      count(key.sk);
      return relayCrashed.has(key.sk) ? [] : [key];
    });
    if (!keys.length) return response;
    const outbox = new OutboxReader(stack.dynamodb, stack.resources.tableName);
    for (const key of keys) {
      relayCrashed.add(key.sk);
      // The relay's retry, as it arrives once the queue's deduplication window has passed.
      for (const delivery of (await outbox.read(key)) ?? []) {
        await stack.sqs.send(
          new SendMessageCommand({
            QueueUrl: instructionsQueue(),
            MessageBody: sqsJson(delivery.message),
            MessageGroupId: delivery.groupId,
            MessageDeduplicationId: `${delivery.dedupeId}.after-window`,
          }),
        );
      }
    }
    throw new Error("relay died after sending instructions, before checkpointing");
  };

beforeAll(async () => {
  stack = await LocalStack.start({
    city,
    endpoints: { dynamodb: dynamoEndpoint(), sqs: sqsEndpoint() },
    prefix: uniqueName("crash-payment"),
    visibilityTimeoutSeconds: 3,
    receiveLimit: 5,
    workers: 2,
    wrapIngest: crashIngest,
    wrapRelay: crashRelay,
  });
}, 60_000);
afterAll(() => stack?.stop({ removeResources: true }));

function instructionsQueue(): string {
  const url = stack.resources.queueEnv.INSTRUCTIONS_QUEUE_URL;
  if (!url) throw new Error("the template gives the relay no INSTRUCTIONS_QUEUE_URL");
  return url;
}

/** Each fact on its own publisher's queue, as registries, the portal, the workbench and the clock send. */
async function publish(events: readonly ScenarioEvent[]): Promise<void> {
  expect(await stack.publish(events.map((e) => toLine(e, sent++, "jinan")))).toEqual([]);
  await stack.quiet();
}

/**
 * The treasury's side of `instructions.fifo`: every delivery it receives, and the instructions it takes —
 * an `instructionId` once, whatever the queue hands it again.
 */
class Treasury {
  readonly deliveries = new Map<string, string[]>();
  readonly taken = new Map<string, PaymentInstructionMessage>();

  /** What it takes from the queue now: the instructions it has not taken before. */
  async take(): Promise<PaymentInstructionMessage[]> {
    const fresh: PaymentInstructionMessage[] = [];
    for (const body of await drainQueue(stack.sqs, instructionsQueue())) {
      const message = JSON.parse(body) as PaymentInstructionMessage;
      this.deliveries.set(message.instructionId, [
        ...(this.deliveries.get(message.instructionId) ?? []),
        body,
      ]);
      if (this.taken.has(message.instructionId)) continue;
      this.taken.set(message.instructionId, message);
      fresh.push(message);
    }
    return fresh;
  }

  /** A result on the treasury's own queue, written once: sent again, it is the same text. */
  readonly #written = new Map<string, string>();
  result(id: string, type: string, data: Record<string, unknown>): string {
    const text =
      this.#written.get(id) ?? toLine({ type, id, source: "treasury/payments", data }, sent++, "jinan");
    this.#written.set(id, text);
    return text;
  }

  async send(texts: readonly string[]): Promise<void> {
    const queue = stack.resources.channels.find((c) => c.publisherId === "treasury")?.ingestQueueUrl;
    if (!queue) throw new Error("the template has no treasury channel");
    for (const MessageBody of texts)
      await stack.sqs.send(new SendMessageCommand({ QueueUrl: queue, MessageBody }));
    await stack.quiet();
  }
}

const paid = (treasury: Treasury, id: string, instruction: PaymentInstructionMessage, paidOn: string) =>
  treasury.result(id, "disbursement.paid", {
    instructionId: instruction.instructionId,
    reference: `TSY-${id.toUpperCase()}`,
    paidOn,
    amount: instruction.amount,
  });

const payeeOf = (message: PaymentInstructionMessage) =>
  PAYEES.find((alias) => usccFor(alias) === message.beneficiary.id) ?? "?";

async function ledgerLines(): Promise<LineItem[]> {
  const items = await new DynamoLedger(stack.dynamodb, stack.resources.tableName, city).partition(
    2024,
    "hte-first-award",
  );
  return items.filter((i): i is LineItem => "entity" in i && i.entity === "line");
}

const rejections = async () =>
  (
    await Promise.all(
      [stack.resources.rejectedQueueUrl, ...stack.resources.channels.map((c) => c.rejectedQueueUrl)].map(
        (url) => drainQueue(stack.sqs, url),
      ),
    )
  ).flat();

describe("crashes between instruction and result neither lose nor double a payment", () => {
  const treasury = new Treasury();
  const byPayee = new Map<string, PaymentInstructionMessage>();
  const instruction = (alias: string) => {
    const found = byPayee.get(alias);
    if (!found) throw new Error(`no instruction for ${alias}`);
    return found;
  };

  test("approval commits, then the worker dies; the relay dies after sending: one instruction per line", async () => {
    // Four payees with an account on file: approval latches an instruction for each line, attempt 1.
    await publish(confirmedAndApproved(PAYEES, BATCH));
    const first = await treasury.take();
    for (const message of first) byPayee.set(payeeOf(message), message);
    expect(first.map((m) => [payeeOf(m), m.attempt, m.instructionId === `${m.lineId}.1`]).sort()).toEqual(
      PAYEES.map((alias) => [alias, 1, true]),
    );
  });

  test("the treasury's results commit, then the worker dies: three paid, one failed, nothing new sent", async () => {
    await treasury.send([
      ...["E1", "E2", "E3"].map((alias) => paid(treasury, `pay-${alias}`, instruction(alias), "2024-09-12")),
      treasury.result("fail-E4", "disbursement.failed", {
        instructionId: instruction("E4").instructionId,
        failedOn: "2024-09-12",
        reason: "收款账户已销户，退票",
      }),
    ]);
    expect(await treasury.take()).toEqual([]); // a failure waits for a corrected confirmation
  });

  test("a corrected confirmation latches attempt 2 for the failed line alone, and it is paid", async () => {
    await publish([
      { type: "clock.day", id: "d-0913", data: { date: "2024-09-13" } },
      {
        type: "payee.confirmed",
        id: "confirm-E4-corrected",
        data: { beneficiary: { ref: "E4" }, accountRef: "ACCT-E4-2", confirmedOn: "2024-09-13" },
      },
    ]);
    const second = await treasury.take();
    expect(second.map((m) => [payeeOf(m), m.instructionId, m.accountRef])).toEqual([
      ["E4", `${instruction("E4").lineId}.2`, "ACCT-E4-2"],
    ]);
    const [retry] = second;
    if (!retry) throw new Error("no second attempt");
    await treasury.send([paid(treasury, "pay-E4-2", retry, "2024-09-16")]);
  });

  test("every crash happened and its batch was handled again; the treasury took each id once of many", () => {
    // The ingest's redelivered batches are duplicates by their receipts; the relay's retries reuse the
    // deduplication ids, which the queue drops, and the late resends it does not.
    expect([...ingestCrashed].sort()).toEqual([...INGEST_CRASHES].sort());
    expect(relayCrashed.size).toBe(2); // the approval's instructions, and attempt 2's
    for (const id of [...INGEST_CRASHES, ...relayCrashed])
      expect(handled.get(id), id).toBeGreaterThanOrEqual(2);
    const expectedIds = [
      ...PAYEES.map((alias) => `${instruction(alias).lineId}.1`),
      `${instruction("E4").lineId}.2`,
    ];
    expect([...treasury.taken.keys()].sort()).toEqual(expectedIds.sort());
    // Each reached the treasury more than once (so the queue did not make it once), always the same body.
    expect([...treasury.deliveries.keys()].sort()).toEqual(expectedIds);
    for (const [id, bodies] of treasury.deliveries) {
      expect(bodies.length, id).toBeGreaterThanOrEqual(2);
      expect(new Set(bodies).size, id).toBe(1);
    }
  });

  test("the ledger paid each line once (E4 on attempt 2) and every unit balances", async () => {
    const lines = await ledgerLines();
    expect(
      lines
        .map((line) => [
          PAYEES.find((alias) => usccFor(alias) === line.beneficiary.id),
          line.results.map((r) => `${r.attempt}:${r.paid ? `paid ${r.paid.amountFen}` : "failed"}`),
        ])
        .sort(),
    ).toEqual([
      ["E1", ["1:paid 30000000"]],
      ["E2", ["1:paid 30000000"]],
      ["E3", ["1:paid 30000000"]],
      ["E4", ["1:failed", "2:paid 30000000"]],
    ]);
    const reconciliation = await stack.reconcile();
    expect(reconciliation.unbalanced).toEqual([]);
    expect(
      reconciliation.units.map((u) => [u.beneficiary, u.entitlementFen, u.buckets, u.differenceFen]).sort(),
    ).toEqual(
      PAYEES.map((alias) => [
        `enterprise:${usccFor(alias)}`,
        30_000_000n,
        { disbursed: 30_000_000n },
        0n,
      ]).sort(),
    );
    expect(await rejections()).toEqual([]);
  });

  test("a disbursement.paid delivered again is a duplicate: not even a receipt is written", async () => {
    const before = await tableItems(stack);
    await treasury.send([paid(treasury, "pay-E1", instruction("E1"), "2024-09-12")]);
    expect(await tableItems(stack)).toEqual(before);
    expect(await rejections()).toEqual([]);
    expect(await treasury.take()).toEqual([]);
  });
});
