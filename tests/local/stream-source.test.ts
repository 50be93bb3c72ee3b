/**
 * StreamEventSource against DynamoDB Local's stream: Lambda's DynamoDB Streams event source
 * mapping with an event filter, ReportBatchItemFailures checkpointing and bounded retries; and,
 * with a scripted Streams client, parent-before-child shard order (DynamoDB Local never splits).
 */
import {
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import {
  type _Record,
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from "@aws-sdk/client-dynamodb-streams";
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { afterAll, describe, test } from "vitest";
import { waitUntilQuiet } from "../../local/drain";
import { eventFilter } from "../../local/event-filter";
import { createLedgerTable } from "../../local/provision";
import {
  StreamEventSource,
  type StreamEventSourceOptions,
  type StreamFailure,
} from "../../local/stream-source";
import { cityTemplate, templateSettings } from "../../local/template";
import { dynamoClient, dynamoEndpoint, uniqueName } from "../support/engines";

const ddb: DynamoDBClient = dynamoClient();
const template = await cityTemplate("jinan");
const relayFilter = eventFilter(templateSettings(template).relay.filterPattern);
const sources: StreamEventSource[] = [];
afterAll(async () => {
  await Promise.all(sources.map((source) => source.stop()));
  ddb.destroy();
});

async function table() {
  const name = uniqueName("esm-stream");
  const streamArn = await createLedgerTable(template, ddb, name);
  const put = (pk: string, entity: string, extra: Record<string, { S: string } | { B: Uint8Array }> = {}) =>
    ddb.send(
      new PutItemCommand({
        TableName: name,
        Item: { pk: { S: pk }, sk: { S: entity }, entity: { S: entity }, message: { S: "{}" }, ...extra },
      }),
    );
  return { name, streamArn, put };
}

async function run(
  streamArn: string,
  handler: (event: DynamoDBStreamEvent, invocation: number) => Promise<DynamoDBBatchResponse | undefined>,
  options: Partial<StreamEventSourceOptions> = {},
) {
  const invocations: DynamoDBRecord[][] = [];
  const source = new StreamEventSource({
    streamArn,
    endpoint: dynamoEndpoint(),
    retryDelayMs: 10,
    timeoutSeconds: 60,
    ...options,
    handler: (event) => {
      invocations.push(event.Records);
      return handler(event, invocations.length);
    },
  });
  sources.push(source);
  await source.start();
  return { source, invocations };
}

const pks = (records: DynamoDBRecord[] | undefined) => (records ?? []).map((r) => r.dynamodb?.Keys?.pk?.S);

describe.concurrent("StreamEventSource", () => {
  test("delivers inserted outbox items only (the relay's event filter), shaped like Lambda's records", async ({
    expect,
  }) => {
    const { name, streamArn, put } = await table();
    const { source, invocations } = await run(streamArn, async () => undefined, { filter: relayFilter });

    await put("payout#1", "payout", { blob: { B: new Uint8Array([1, 2, 3]) } });
    await put("decision#1", "decision");
    await put("release#1", "release");
    await ddb.send(
      new UpdateItemCommand({
        TableName: name,
        Key: { pk: { S: "payout#1" }, sk: { S: "payout" } },
        UpdateExpression: "SET #s = :s",
        ExpressionAttributeNames: { "#s": "status" },
        ExpressionAttributeValues: { ":s": { S: "paid" } },
      }),
    );
    await ddb.send(
      new DeleteItemCommand({ TableName: name, Key: { pk: { S: "decision#1" }, sk: { S: "decision" } } }),
    );

    await waitUntilQuiet({ sources: [source], timeoutMs: 10_000 });

    const records = invocations.flat();
    expect(pks(records)).toEqual(["payout#1", "release#1"]);
    expect(source.counters).toMatchObject({ read: 5, filteredOut: 3, records: 2, failures: 0 });
    const [payout] = records;
    expect(payout).toMatchObject({
      eventName: "INSERT",
      eventVersion: "1.1",
      eventSource: "aws:dynamodb",
      eventSourceARN: streamArn,
      dynamodb: {
        Keys: { pk: { S: "payout#1" }, sk: { S: "payout" } },
        NewImage: { entity: { S: "payout" }, blob: { B: "AQID" } },
        StreamViewType: "NEW_IMAGE",
      },
    });
    expect(payout?.eventID).toMatch(/\S/);
    expect(payout?.dynamodb?.SequenceNumber).toMatch(/^\d+$/);
    expect(payout?.dynamodb?.SizeBytes).toBeGreaterThan(0);
    // Epoch seconds, as in Lambda events (DynamoDB Local rounds down to the minute).
    expect(Math.abs((payout?.dynamodb?.ApproximateCreationDateTime ?? 0) - Date.now() / 1000)).toBeLessThan(
      120,
    );
  });

  test("a handler that throws gets the same records again", async ({ expect }) => {
    const { streamArn, put } = await table();
    for (const pk of ["a", "b", "c"]) await put(pk, "payout");
    const { source, invocations } = await run(streamArn, async (_event, invocation) => {
      if (invocation === 1) throw new Error("boom");
      return { batchItemFailures: [] };
    });

    await waitUntilQuiet({ sources: [source], timeoutMs: 10_000 });

    expect(invocations.map(pks)).toEqual([
      ["a", "b", "c"],
      ["a", "b", "c"],
    ]);
    const sequences = (batch: DynamoDBRecord[] | undefined) =>
      (batch ?? []).map((r) => r.dynamodb?.SequenceNumber);
    expect(sequences(invocations[1])).toEqual(sequences(invocations[0]));
    expect(source.counters).toMatchObject({ batches: 2, invocationErrors: 1, retries: 1, discarded: 0 });
  });

  test("batchItemFailures: the retry starts at the first failed record", async ({ expect }) => {
    const { streamArn, put } = await table();
    for (const pk of ["a", "b", "c", "d"]) await put(pk, "payout");
    const { source, invocations } = await run(streamArn, async (event, invocation) => ({
      batchItemFailures:
        invocation === 1
          ? event.Records.filter((r) => ["b", "d"].includes(r.dynamodb?.Keys?.pk?.S ?? "")).map((r) => ({
              itemIdentifier: r.dynamodb?.SequenceNumber ?? "",
            }))
          : [],
    }));

    await waitUntilQuiet({ sources: [source], timeoutMs: 10_000 });

    expect(invocations.map(pks)).toEqual([
      ["a", "b", "c", "d"],
      ["b", "c", "d"],
    ]);
    expect(source.counters).toMatchObject({ failures: 2, retries: 1 });
  });

  test("after retryAttempts the failing batch goes to onFailure and the shard moves on", async ({
    expect,
  }) => {
    const { streamArn, put } = await table();
    for (const pk of ["a", "poison", "b"]) await put(pk, "payout");
    const failures: StreamFailure[] = [];
    const { source, invocations } = await run(
      streamArn,
      async (event) => {
        if (pks(event.Records).includes("poison")) throw new Error("poisoned");
        return undefined;
      },
      { batchSize: 1, retryAttempts: 2, onFailure: (failure) => failures.push(failure) },
    );

    await waitUntilQuiet({ sources: [source], timeoutMs: 10_000 });

    expect(invocations.map(pks)).toEqual([["a"], ["poison"], ["poison"], ["poison"], ["b"]]);
    expect(failures).toHaveLength(1);
    expect(pks(failures[0]?.records)).toEqual(["poison"]);
    expect(failures[0]?.attempts).toBe(3);
    expect(String(failures[0]?.error)).toMatch(/poisoned/);
    expect(source.counters).toMatchObject({ discarded: 1, invocationErrors: 3 });
  });

  test("reads a closed parent shard to its end before its child (scripted Streams client)", async ({
    expect,
  }) => {
    const record = (sequence: string): _Record => ({
      eventID: `e${sequence}`,
      eventName: "INSERT",
      eventVersion: "1.1",
      eventSource: "aws:dynamodb",
      awsRegion: "ddblocal",
      dynamodb: {
        ApproximateCreationDateTime: new Date(),
        Keys: { pk: { S: `k${sequence}` } },
        NewImage: { pk: { S: `k${sequence}` }, entity: { S: "payout" } },
        SequenceNumber: sequence,
        SizeBytes: 10,
        StreamViewType: "NEW_IMAGE",
      },
    });
    const pages: Record<string, { Records: _Record[]; NextShardIterator?: string }> = {
      "parent:0": { Records: [record("100"), record("101")], NextShardIterator: "parent:1" },
      "parent:1": { Records: [] }, // closed: no next iterator
      "child:0": { Records: [record("200")], NextShardIterator: "child:1" },
      "child:1": { Records: [], NextShardIterator: "child:1" },
    };
    const calls: string[] = [];
    const client = {
      send: async (command: unknown) => {
        if (command instanceof DescribeStreamCommand) {
          calls.push("describe");
          return {
            StreamDescription: {
              // The child is listed first: order must come from ParentShardId, not the listing.
              Shards: [
                {
                  ShardId: "child",
                  ParentShardId: "parent",
                  SequenceNumberRange: { StartingSequenceNumber: "200" },
                },
                {
                  ShardId: "parent",
                  SequenceNumberRange: { StartingSequenceNumber: "100", EndingSequenceNumber: "101" },
                },
              ],
            },
          };
        }
        if (command instanceof GetShardIteratorCommand) {
          calls.push(`iterator ${command.input.ShardId}`);
          return { ShardIterator: `${command.input.ShardId}:0` };
        }
        if (command instanceof GetRecordsCommand) {
          const iterator = command.input.ShardIterator ?? "";
          calls.push(`records ${iterator}`);
          return pages[iterator];
        }
        throw new Error(`unexpected command ${String(command)}`);
      },
    } as unknown as DynamoDBStreamsClient;
    const { source, invocations } = await run(
      "arn:aws:dynamodb:ddblocal:000000000000:table/t/stream/x",
      async () => undefined,
      {
        client,
        idleDelayMs: 10,
      },
    );

    await waitUntilQuiet({ sources: [source], timeoutMs: 5_000 });

    expect(invocations.flat().map((r) => r.dynamodb?.SequenceNumber)).toEqual(["100", "101", "200"]);
    expect(calls.indexOf("iterator child")).toBeGreaterThan(calls.indexOf("records parent:1"));
    expect(source.counters.shardsFinished).toBe(1);
    expect(source.shards()).toEqual([
      { shardId: "child", parentShardId: "parent", finished: false, pending: 0 },
      { shardId: "parent", finished: true, pending: 0 },
    ]);
  });
});
