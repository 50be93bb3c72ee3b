import { type AttributeValue, PutItemCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import type { DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { drainQueue } from "../../local/drain";
import { sqsJson } from "../../shared/contract";
import { raw, VALID } from "../contract/fixtures";
import { dynamodb, type HandlersOnEngines, handlersOnEngines, sqs, sqsEventOf } from "../support/handlers";

type Item = Record<string, AttributeValue>;
/** aws-lambda's own AttributeValue type: the same JSON shape as the SDK's. */
type StreamImage = NonNullable<NonNullable<DynamoDBRecord["dynamodb"]>["NewImage"]>;
let engines: HandlersOnEngines;
/** The one payout item the ingest wrote, as the table holds it. */
let payout: Item;

beforeAll(async () => {
  engines = await handlersOnEngines("forged");
  const body = raw("voucher.redeemed", VALID["voucher.redeemed"], {
    id: "FORGED-1",
    source: "registry/innovation-vouchers",
    time: "2024-05-10T09:00:00+08:00",
  });
  const applied = await engines.handlers.ingest(sqsEventOf([body]), 30);
  expect(applied.batchItemFailures).toEqual([]);
  const payouts = (await scan()).filter((item) => item.entity?.S === "payout");
  expect(payouts).toHaveLength(1);
  payout = payouts[0] as Item;
});
afterAll(() => engines.dispose());

async function scan(): Promise<Item[]> {
  const { Items = [] } = await dynamodb.send(
    new ScanCommand({ TableName: engines.resources.tableName, ConsistentRead: true }),
  );
  return Items;
}

let sequence = 0;
/** A stream record as anyone with lambda:InvokeFunction could write it: any Keys, any NewImage. */
function streamRecord(keys: Item | undefined, newImage: Item): DynamoDBRecord {
  sequence++;
  return {
    eventID: `forged-${sequence}`,
    eventName: "INSERT",
    eventSource: "aws:dynamodb",
    awsRegion: "us-east-1",
    dynamodb: {
      ...(keys ? { Keys: keys as StreamImage } : {}),
      NewImage: newImage as StreamImage,
      SequenceNumber: String(1000 + sequence),
      StreamViewType: "NEW_IMAGE",
    },
  };
}

/** The payout message a payout item carries, as the table holds it. */
const outboxMessage = (item: Item) => JSON.parse(item.message?.S ?? "{}");

/** The table's payout item with its message rewritten: a payout nobody decided. */
function forgedImage(pk: string): Item {
  const message = {
    ...outboxMessage(payout),
    payoutId: pk.slice("payout#".length),
    amountFen: 99_999_999_999,
    amount: "999999999.99",
  };
  return { ...payout, pk: { S: pk }, message: { S: JSON.stringify(message) } };
}

const keyOf = (item: Item): Item => ({ pk: item.pk as AttributeValue, sk: item.sk as AttributeValue });
const relay = (records: DynamoDBRecord[]) =>
  engines.handlers.relay({ Records: records } satisfies DynamoDBStreamEvent, 30);

describe("the relay sends what the table holds, whatever the stream record claims", () => {
  test("a record whose NewImage differs from the table: the table's message is sent", async () => {
    await drainQueue(sqs, engines.resources.payoutsQueueUrl);
    const before = await scan();
    const response = await relay([streamRecord(keyOf(payout), forgedImage(payout.pk?.S ?? ""))]);
    expect(response.batchItemFailures).toEqual([]);
    const sent = await drainQueue(sqs, engines.resources.payoutsQueueUrl);
    expect(sent).toEqual([sqsJson(outboxMessage(payout))]);
    expect(JSON.parse(sent[0] ?? "{}").amountFen).not.toBe(99_999_999_999);
    expect(await scan()).toEqual(before);
  });

  test("a key that holds no outbox item sends nothing", async () => {
    const response = await relay([
      streamRecord({ pk: { S: "payout#po_forged" }, sk: { S: "payout" } }, forgedImage("payout#po_forged")),
      streamRecord(
        keyOf((await scan()).find((i) => i.entity?.S === "receipt") as Item),
        forgedImage("payout#po_x"),
      ),
      streamRecord(undefined, forgedImage("payout#po_nokeys")),
    ]);
    expect(response.batchItemFailures).toEqual([]);
    expect(await drainQueue(sqs, engines.resources.payoutsQueueUrl)).toEqual([]);
  });

  test("an outbox item that does not decode is left in the table and acknowledged, not retried forever", async () => {
    const corrupt = { ...payout, pk: { S: "payout#po_corrupt" }, message: { S: "{not json" } };
    await dynamodb.send(new PutItemCommand({ TableName: engines.resources.tableName, Item: corrupt }));
    const response = await relay([streamRecord(keyOf(corrupt), forgedImage("payout#po_corrupt"))]);
    expect(response.batchItemFailures).toEqual([]);
    expect(await drainQueue(sqs, engines.resources.payoutsQueueUrl)).toEqual([]);
    expect((await scan()).some((i) => i.pk?.S === "payout#po_corrupt")).toBe(true);
  });
});
