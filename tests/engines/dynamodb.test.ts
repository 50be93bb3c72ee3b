/**
 * Proves DynamoDB Local behaves like DynamoDB for everything the ledger relies on:
 * GSIs, streams with NEW_IMAGE, all-or-nothing transactions with per-item cancellation reasons,
 * and consumed-capacity reporting (the benchmark reads it). Streams are read with
 * @aws-sdk/client-dynamodb-streams: the Streams API is a separate service (DynamoDBStreams_20120810)
 * that client-dynamodb does not cover; DynamoDB Local serves it on the same endpoint.
 */
import {
  DescribeTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from "@aws-sdk/client-dynamodb";
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from "@aws-sdk/client-dynamodb-streams";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { localClientConfig } from "../../local/engines";
import { MAX_ITEM_BYTES } from "../../shared/decisions/items";
import { attributeBytes } from "../../shared/ledger/codec";
import { bareTable } from "../support/bare";
import { dynamoClient, dynamoEndpoint, uniqueName } from "../support/engines";

const ddb: DynamoDBClient = dynamoClient();
const table = uniqueName("ledger");
afterAll(() => ddb.destroy());

/** Every record in the stream so far, from TRIM_HORIZON of each shard (DynamoDB Local keeps one shard per table). */
async function readStream(streamArn: string): Promise<StreamRecord[]> {
  const streams = new DynamoDBStreamsClient(localClientConfig(dynamoEndpoint()));
  try {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    const records: StreamRecord[] = [];
    for (const shard of StreamDescription?.Shards ?? []) {
      let { ShardIterator: iterator } = await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shard.ShardId,
          ShardIteratorType: "TRIM_HORIZON",
        }),
      );
      // An open shard always hands back a next iterator; stop at the first empty page.
      for (let page = 0; iterator && page < 100; page++) {
        const { Records, NextShardIterator } = await streams.send(
          new GetRecordsCommand({ ShardIterator: iterator }),
        );
        if (!Records?.length) break;
        records.push(...Records);
        iterator = NextShardIterator;
      }
    }
    return records;
  } finally {
    streams.destroy();
  }
}

beforeAll(async () => {
  await bareTable(ddb, {
    TableName: table,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [
      { AttributeName: "pk", AttributeType: "S" },
      { AttributeName: "sk", AttributeType: "S" },
      { AttributeName: "uscc", AttributeType: "S" },
    ],
    KeySchema: [
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: "byUscc",
        KeySchema: [
          { AttributeName: "uscc", KeyType: "HASH" },
          { AttributeName: "sk", KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: "ALL" },
      },
    ],
    StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_IMAGE" },
  });
});

function payout(id: string, uscc: string, fen: string) {
  return {
    pk: { S: `payout#${id}` },
    sk: { S: "v1" },
    uscc: { S: uscc },
    fen: { N: fen },
  };
}

describe("DynamoDB Local", () => {
  test("table is ACTIVE with its GSI and a NEW_IMAGE stream", async () => {
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName: table }));
    expect(Table?.TableStatus).toBe("ACTIVE");
    expect(Table?.GlobalSecondaryIndexes?.map((index) => [index.IndexName, index.IndexStatus])).toEqual([
      ["byUscc", "ACTIVE"],
    ]);
    expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: "NEW_IMAGE" });
    expect(Table?.LatestStreamArn).toMatch(/^arn:aws:dynamodb:.*:table\/.*\/stream\//);
  });

  test("a GSI query finds items by their secondary key", async () => {
    await ddb.send(
      new PutItemCommand({ TableName: table, Item: payout("gsi-1", "91370100MA3C1QXY1B", "100") }),
    );
    await ddb.send(
      new PutItemCommand({ TableName: table, Item: payout("gsi-2", "91370100MA3C1QXY1B", "200") }),
    );
    await ddb.send(
      new PutItemCommand({ TableName: table, Item: payout("gsi-3", "91370100OTHER00001", "300") }),
    );

    const { Items } = await ddb.send(
      new QueryCommand({
        TableName: table,
        IndexName: "byUscc",
        KeyConditionExpression: "uscc = :u",
        ExpressionAttributeValues: { ":u": { S: "91370100MA3C1QXY1B" } },
      }),
    );
    expect(Items?.map((item) => item.pk?.S).sort()).toEqual(["payout#gsi-1", "payout#gsi-2"]);
  });

  test("a failed ConditionExpression cancels the whole transaction with per-item CancellationReasons", async () => {
    await ddb.send(new PutItemCommand({ TableName: table, Item: payout("tx-existing", "U1", "500") }));

    const error = await ddb
      .send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: table, Item: payout("tx-new", "U1", "1") } },
            {
              Put: {
                TableName: table,
                Item: payout("tx-existing", "U1", "999"),
                ConditionExpression: "attribute_not_exists(pk)",
                ReturnValuesOnConditionCheckFailure: "ALL_OLD",
              },
            },
          ],
        }),
      )
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );

    expect(error).toBeInstanceOf(TransactionCanceledException);
    const reasons = (error as TransactionCanceledException).CancellationReasons;
    expect(reasons?.map((reason) => reason.Code)).toEqual(["None", "ConditionalCheckFailed"]);
    expect(reasons?.[1]?.Item?.fen).toEqual({ N: "500" }); // ReturnValuesOnConditionCheckFailure: ALL_OLD

    // Nothing was written: the unconditional Put rolled back too.
    const { Item: notWritten } = await ddb.send(
      new GetItemCommand({ TableName: table, Key: { pk: { S: "payout#tx-new" }, sk: { S: "v1" } } }),
    );
    expect(notWritten).toBeUndefined();
    const { Item: unchanged } = await ddb.send(
      new GetItemCommand({ TableName: table, Key: { pk: { S: "payout#tx-existing" }, sk: { S: "v1" } } }),
    );
    expect(unchanged?.fen).toEqual({ N: "500" });
  });

  test('ReturnConsumedCapacity "TOTAL" reports numeric capacity units', async () => {
    const put = await ddb.send(
      new PutItemCommand({
        TableName: table,
        Item: payout("cap-1", "U2", "1"),
        ReturnConsumedCapacity: "TOTAL",
      }),
    );
    expect(put.ConsumedCapacity?.TableName).toBe(table);
    expect(put.ConsumedCapacity?.CapacityUnits).toBeTypeOf("number");
    expect(put.ConsumedCapacity?.CapacityUnits).toBeGreaterThan(0);

    const get = await ddb.send(
      new GetItemCommand({
        TableName: table,
        Key: { pk: { S: "payout#cap-1" }, sk: { S: "v1" } },
        ConsistentRead: true,
        ReturnConsumedCapacity: "TOTAL",
      }),
    );
    expect(get.ConsumedCapacity?.CapacityUnits).toBeGreaterThan(0);

    const tx = await ddb.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: table, Item: payout("cap-2", "U2", "1") } },
          { Put: { TableName: table, Item: payout("cap-3", "U2", "1") } },
        ],
        ReturnConsumedCapacity: "TOTAL",
      }),
    );
    const txUnits = tx.ConsumedCapacity?.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
    expect(txUnits).toBeTypeOf("number");
    expect(txUnits).toBeGreaterThan(0);

    const query = await ddb.send(
      new QueryCommand({
        TableName: table,
        IndexName: "byUscc",
        KeyConditionExpression: "uscc = :u",
        ExpressionAttributeValues: { ":u": { S: "U2" } },
        ReturnConsumedCapacity: "TOTAL",
      }),
    );
    expect(query.Count).toBe(3);
    expect(query.ConsumedCapacity?.CapacityUnits).toBeGreaterThan(0);
  });

  test("an item is refused past 400 KB exactly as the ledger counts its bytes (payments.md § Item size)", async () => {
    const sized = (bytes: number) => {
      const item = { pk: { S: "item-size" }, sk: { S: String(bytes) }, body: { S: "" } };
      item.body.S = "x".repeat(bytes - attributeBytes(item));
      return item;
    };
    const atLimit = sized(MAX_ITEM_BYTES);
    expect(attributeBytes(atLimit)).toBe(MAX_ITEM_BYTES);
    await ddb.send(new PutItemCommand({ TableName: table, Item: atLimit }));
    const error = await ddb
      .send(new PutItemCommand({ TableName: table, Item: sized(MAX_ITEM_BYTES + 1) }))
      .catch((e: unknown) => e);
    expect((error as Error).name).toBe("ValidationException");
    expect((error as Error).message).toMatch(/item size/i);
  });

  test("the stream (DescribeTable → LatestStreamArn) can be read and carries NEW_IMAGE records", async () => {
    await ddb.send(new PutItemCommand({ TableName: table, Item: payout("stream-1", "U3", "42") }));
    await ddb.send(new PutItemCommand({ TableName: table, Item: payout("stream-1", "U3", "43") }));

    const { Table } = await ddb.send(new DescribeTableCommand({ TableName: table }));
    const streamArn = Table?.LatestStreamArn;
    if (!streamArn) throw new Error("no LatestStreamArn");

    const records = await readStream(streamArn);
    const mine = records.filter((record) => record.dynamodb?.Keys?.pk?.S === "payout#stream-1");
    expect(mine.map((record) => record.eventName)).toEqual(["INSERT", "MODIFY"]);
    expect(mine.map((record) => record.dynamodb?.NewImage?.fen)).toEqual([{ N: "42" }, { N: "43" }]);
    expect(mine.every((record) => record.dynamodb?.OldImage === undefined)).toBe(true);
    expect(mine[0]?.dynamodb?.StreamViewType).toBe("NEW_IMAGE");
    expect(mine[0]?.eventSource).toBe("aws:dynamodb");

    // The failed transaction above must not have produced any record.
    expect(records.some((record) => record.dynamodb?.Keys?.pk?.S === "payout#tx-new")).toBe(false);
  });
});
