/**
 * The relay record handler on its own (Prepare / Act / Assess): an outbox held in memory, encoded by the
 * ledger's own codec, and the real payouts FIFO queue on the SQS emulator. tests/reliability runs the same
 * handler on the table's stream.
 */

import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import type { DynamoDBRecord } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createRelayHandler, type Outbox } from "../../functions/relay/relay";
import { drainQueue } from "../../local/drain";
import { keyId } from "../../shared/decisions/keys";
import { type Av, deliveriesOf, encodePayout, storedKey } from "../../shared/ledger/codec";
import { readCity } from "../../shared/policy/files";
import { MemoryLedger } from "../../shared/simulate/memory-ledger";
import { bareQueue } from "../support/bare";
import { sqsClient } from "../support/engines";
import { toLine } from "../support/scenarios";
import { parseAsSent } from "../support/sent";

const sqs = sqsClient();
const city = readCity("jinan");
let payoutsQueueUrl: string;

beforeAll(async () => {
  const fifo = { FifoQueue: "true" };
  payoutsQueueUrl = (await bareQueue(sqs, "payouts.fifo", fifo)).url;
});
afterAll(() => sqs.destroy());

/** The payout items one certification writes, as the table holds them. */
function payoutItems(): Av[] {
  const ledger = new MemoryLedger(city);
  const grant = {
    type: "hte.certification.granted",
    id: "CERT-RELAY-1",
    time: "2024-11-20T09:30:00+08:00",
    data: {
      certificateNo: "GR-RELAY-1",
      enterprise: "E-RELAY",
      kind: "first",
      scale: "above",
      district: "370102",
      issuedOn: "2024-11-20",
    },
  };
  const parsed = parseAsSent(toLine(grant, 0, "jinan"));
  if (!parsed.ok) throw new Error(parsed.rejection.detail);
  const decision = ledger.applyNow(parsed.message, "2024-11-20T01:30:02.114Z");
  if (decision.outcome !== "applied") throw new Error(`expected applied, got ${decision.outcome}`);
  return decision.writes.payouts.map(encodePayout);
}

function prepare(items: Av[]) {
  const byKey = new Map(items.map((av) => [keyId(storedKey(av)), av]));
  const outbox: Outbox = { read: async (key) => deliveriesOf(byKey.get(keyId(key)) ?? {}) };
  const queueUrls = {
    payouts: payoutsQueueUrl,
    publicity: "unused",
    notices: "unused",
    instructions: "unused",
    receivables: "unused",
  };
  const logger = new Logger({ logLevel: "SILENT" });
  const metrics = new Metrics({ namespace: "autogrant-test", serviceName: "relay" });
  return createRelayHandler({ sqs, queueUrls, outbox, logger, metrics });
}

const insert = (av: Av, image: Av = av) =>
  ({
    eventName: "INSERT",
    dynamodb: { Keys: { pk: av.pk, sk: av.sk } as never, NewImage: image as never },
  }) as DynamoDBRecord;

describe("createRelayHandler through the Outbox port", () => {
  test("each payout item is sent once to the FIFO queue as the table holds it, whatever the record's image", async () => {
    const items = payoutItems();
    const handler = prepare(items);
    const [first] = items;
    if (!first) throw new Error("no payout");

    // A forged image of the first item: the relay reads the outbox, never the record's NewImage.
    await handler(insert(first, { ...first, message: { S: "{}" } }));
    for (const av of items) await handler(insert(av));

    const sent = (await drainQueue(sqs, payoutsQueueUrl)).map((b) => JSON.parse(b));
    // One message per payout item: the first item's second delivery carries its payoutId, so FIFO dedupes it.
    const ids = items.map(
      (av) => (deliveriesOf(av)?.[0]?.message as { payoutId?: string } | undefined)?.payoutId,
    );
    expect(sent.map((m) => m.payoutId).sort()).toEqual(ids.sort());
    expect(sent.find((m) => m.program === "hte-first-award")).toMatchObject({ amount: "300000.00" });
  });

  test("a record that is not an insert, or whose key holds nothing, sends nothing", async () => {
    const [first] = payoutItems();
    if (!first) throw new Error("no payout");
    const handler = prepare([]);

    await handler(insert(first));
    await handler({ ...insert(first), eventName: "MODIFY" });

    expect(await drainQueue(sqs, payoutsQueueUrl)).toEqual([]);
  });
});
