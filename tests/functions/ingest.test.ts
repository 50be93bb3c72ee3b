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
import { usccFor } from "../support/parties";

const sqs = sqsClient();
const city = readCity("jinan");
const NOW = "2024-11-20T01:30:02.114Z";
let rejectedQueueUrl: string;

beforeAll(async () => {
  rejectedQueueUrl = (await bareQueue(sqs, "rejected")).url;
});
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
  });
  return { ledger, metrics, handler };
}

const record = (body: string) => ({ messageId: randomUUID(), body }) as SQSRecord;
const fact = (type: string, id: string, data: Record<string, unknown>) =>
  JSON.stringify({
    specversion: "1.0",
    id,
    source: "registry/hte-certification",
    type,
    time: "2024-11-20T09:30:00+08:00",
    city: "jinan",
    data,
  });
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

    const published = (await drainQueue(sqs, rejectedQueueUrl)).map((b) => JSON.parse(b));
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
    expect(await drainQueue(sqs, rejectedQueueUrl)).toEqual([]);
  });
});
