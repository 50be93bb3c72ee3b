/**
 * The ingest record handler on its own (Prepare / Act / Assess, as Powertools' examples test theirs): the
 * in-memory ledger behind the `Ledger` port, the real rejected queue on the SQS emulator. The same handler
 * runs on DynamoDB in tests/local and tests/reliability.
 */
import { randomUUID } from "node:crypto";
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import type { SQSRecord } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { FactWaitingError } from "../../functions/ingest/errors";
import { createRecordHandler } from "../../functions/ingest/ingest";
import { drainQueue } from "../../local/drain";
import { readCity } from "../../shared/policy/files";
import { MemoryLedger } from "../../shared/simulate/memory-ledger";
import { bareQueue } from "../support/bare";
import { sqsClient } from "../support/engines";
import { factBody } from "../support/facts";
import { usccFor } from "../support/parties";

const sqs = sqsClient();
const city = readCity("jinan");
const NOW = "2024-11-20T01:30:02.114Z";
let rejectedQueueUrl: string;
/** Each channel's rejected queue in these tests, by publisher id. */
const channelRejected = new Map<string, string>();

beforeAll(async () => {
  rejectedQueueUrl = (await bareQueue(sqs, "rejected")).url;
  for (const id of ["hte-certification", "tech-market"])
    channelRejected.set(id, (await bareQueue(sqs, id)).url);
});

/** The channel of a record: its eventSourceARN is `arn:…:<publisher id>` here (channels.ts in the stack). */
const channelOf = (arn: string) => {
  const id = arn.split(":").at(-1) ?? "";
  const publisher = city.publishers.find((p) => p.id === id);
  const url = channelRejected.get(id);
  return publisher && url ? { publisher, rejectedQueueUrl: url } : undefined;
};
afterAll(() => sqs.destroy());

function prepare() {
  const ledger = new MemoryLedger(city);
  const metrics = new Metrics({ namespace: "autogrant-test", serviceName: "ingest" });
  const handler = createRecordHandler({
    ledger,
    sqs,
    rejectedQueueUrl,
    logger: new Logger({ logLevel: "SILENT" }),
    metrics,
    clock: () => NOW,
    channelOf,
  });
  return { ledger, metrics, handler };
}

/** A record from a publisher's queue, accepted by SQS at `sentAt` (default NOW). */
const record = (body: string, from = "hte-certification", sentAt = NOW) =>
  ({
    messageId: randomUUID(),
    body,
    eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${from}`,
    attributes: { SentTimestamp: String(Date.parse(sentAt)) },
  }) as SQSRecord;
const fact = (type: string, id: string, data: Record<string, unknown>) => factBody({ type, id, data });
const granted = (certificateNo: string) =>
  fact("hte.certification.granted", certificateNo, {
    certificateNo,
    enterprise: { uscc: usccFor("UNIT1"), name: "单元科技有限公司" },
    kind: "first",
    scale: "above",
    district: "370102",
    issuedOn: "2024-11-20",
  });

describe("createRecordHandler through the Ledger port", () => {
  test("a certification is applied once: its payout is in the ledger's outbox, a redelivery adds nothing", async () => {
    const { ledger, handler } = prepare();
    const body = granted("GR-UNIT-1");

    await handler(record(body));
    await handler(record(body));

    expect(ledger.outbox.map((p) => [p.program, p.kind === "release" ? null : p.amountFen])).toEqual([
      ["hte-first-award", 30_000_000],
    ]);
  });

  test("a malformed message is published to the rejected queue with its reason and changes nothing", async () => {
    const { ledger, handler } = prepare();

    await handler(record("{not json"));

    const published = await drained("hte-certification");
    expect(published).toEqual([expect.objectContaining({ reason: "malformed-json", receivedAt: NOW })]);
    expect(ledger.items.size).toBe(0);
  });

  test("a revocation whose certificate never came waits: it throws so that only it is redelivered", async () => {
    const { ledger, handler } = prepare();
    const revoked = fact("hte.certification.revoked", "REV-UNIT-1", {
      certificateNo: "GR-NEVER",
      revokedOn: "2024-11-19",
      reason: "撤销",
    });

    await expect(handler(record(revoked))).rejects.toBeInstanceOf(FactWaitingError);

    expect(ledger.items.size).toBe(0);
    expect(await drained("hte-certification")).toEqual([]);
  });

  test("a certificate sent from the tech market's queue is not-authorised there, and changes nothing", async () => {
    const { ledger, handler } = prepare();

    await handler(record(granted("GR-FORGED-1"), "tech-market"));

    expect(await drained("tech-market")).toEqual([
      expect.objectContaining({
        source: "registry/hte-certification",
        reason: "not-authorised",
        detail: 'source: "registry/hte-certification" is not a source this sender publishes under',
      }),
    ]);
    expect(await drained("hte-certification")).toEqual([]);
    expect(ledger.items.size).toBe(0);
  });

  test("a type its publisher may not assert, under its own source, is not-authorised", async () => {
    const { ledger, handler } = prepare();
    const revocation = JSON.stringify({
      ...JSON.parse(
        fact("hte.certification.revoked", "REV-TM-1", {
          certificateNo: "GR-X",
          revokedOn: "2024-11-19",
          reason: "越权",
        }),
      ),
      source: "registry/tech-market",
    });

    await handler(record(revocation, "tech-market"));

    expect(await drained("tech-market")).toEqual([
      expect.objectContaining({
        reason: "not-authorised",
        detail: 'type: the publisher of "registry/tech-market" may not assert hte.certification.revoked',
      }),
    ]);
    expect(ledger.items.size).toBe(0);
  });

  test("a record from no publisher's queue is rejected to the city's own rejected queue", async () => {
    const { ledger, handler } = prepare();

    await handler(record(granted("GR-NOBODY-1"), "some-other-queue"));

    const published = (await drainQueue(sqs, rejectedQueueUrl)).map((b) => JSON.parse(b));
    expect(published).toEqual([expect.objectContaining({ reason: "not-authorised" })]);
    expect(ledger.items.size).toBe(0);
  });

  test("a time more than 15 minutes after SQS accepted the message is future-time; 15 minutes is not", async () => {
    const { ledger, handler } = prepare();
    const sentAt = "2024-11-20T01:14:59.999Z"; // the fact's time is 01:30:00Z

    await handler(record(granted("GR-EARLY-1"), "hte-certification", sentAt));
    await handler(record(granted("GR-EARLY-2"), "hte-certification", "2024-11-20T01:15:00.000Z"));

    expect(await drained("hte-certification")).toEqual([
      expect.objectContaining({ id: "GR-EARLY-1", reason: "future-time" }),
    ]);
    expect(ledger.outbox.map((p) => (p.kind === "release" ? null : p.beneficiary))).toHaveLength(1);
  });
});

async function drained(publisherId: string) {
  return (await drainQueue(sqs, channelRejected.get(publisherId) ?? "")).map((b) => JSON.parse(b));
}
