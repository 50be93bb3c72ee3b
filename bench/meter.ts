/**
 * Meters every call an SDK v3 client makes, through one middleware on its middlewareStack (step
 * "initialize": it sees the command's input before serialization and its output or error after).
 * It counts requests by operation and, when modelling, asks for ReturnConsumedCapacity "TOTAL" (without
 * touching the caller's input object), sums what DynamoDB Local reports, and computes capacity from
 * item sizes (see capacity.ts) against a shadow copy of every item the metered clients wrote.
 * The shadow is exact only when all writers to a table are metered, which holds for the bench's tables.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { SQSClient } from "@aws-sdk/client-sqs";
import {
  type Av,
  applySimpleSet,
  indexWriteUnits,
  itemSize,
  readUnits,
  type TableSchema,
  writeUnits,
} from "./capacity";

export interface TableUsage {
  readUnits: number;
  writeUnits: number;
}

export interface Usage {
  /** Requests by operation ("BatchGetItem", "TransactWriteItems", "SendMessage", …), failed ones included. */
  requests: Record<string, number>;
  /** Errors by name ("TransactionCanceledException", "ConditionalCheckFailedException", …). */
  errors: Record<string, number>;
  /** Computed from item sizes (capacity.ts): the figures the bench reports. */
  readUnits: number;
  writeUnits: number;
  /** What DynamoDB Local put in ConsumedCapacity (known to under-report transactions and misses). */
  reportedReadUnits: number;
  reportedWriteUnits: number;
  /** ConditionCheck actions in committed transactions (each modelled as 2 WCU per KB checked). */
  conditionChecks: number;
  /** Requests whose cost could not be modelled (unexpected operation or expression); should stay 0. */
  unmodelled: number;
  /** Payout items (entity "payout") successfully put: each becomes one relay SendMessage. */
  payoutItems: number;
  byTable: Record<string, TableUsage>;
}

export function emptyUsage(): Usage {
  return {
    requests: {},
    errors: {},
    readUnits: 0,
    writeUnits: 0,
    reportedReadUnits: 0,
    reportedWriteUnits: 0,
    conditionChecks: 0,
    unmodelled: 0,
    payoutItems: 0,
    byTable: {},
  };
}

export function copyUsage(usage: Usage): Usage {
  return structuredClone(usage);
}

function addCounts(into: Record<string, number>, from: Record<string, number>, sign = 1) {
  for (const [key, value] of Object.entries(from)) into[key] = (into[key] ?? 0) + sign * value;
}

function tableUsage(usage: Usage, table: string): TableUsage {
  let target = usage.byTable[table];
  if (!target) {
    target = { readUnits: 0, writeUnits: 0 };
    usage.byTable[table] = target;
  }
  return target;
}

/** `into += from` (sign 1) or `into -= from` (sign -1). */
export function addUsage(into: Usage, from: Usage, sign = 1): Usage {
  addCounts(into.requests, from.requests, sign);
  addCounts(into.errors, from.errors, sign);
  into.readUnits += sign * from.readUnits;
  into.writeUnits += sign * from.writeUnits;
  into.reportedReadUnits += sign * from.reportedReadUnits;
  into.reportedWriteUnits += sign * from.reportedWriteUnits;
  into.conditionChecks += sign * from.conditionChecks;
  into.unmodelled += sign * from.unmodelled;
  into.payoutItems += sign * from.payoutItems;
  for (const [table, t] of Object.entries(from.byTable)) {
    const target = tableUsage(into, table);
    target.readUnits += sign * t.readUnits;
    target.writeUnits += sign * t.writeUnits;
  }
  return into;
}

/** `after − before`, for attributing a sequential stretch of calls. */
export function usageSince(before: Usage, after: Usage): Usage {
  return addUsage(copyUsage(after), before, -1);
}

export const totalRequests = (usage: Usage) => Object.values(usage.requests).reduce((a, b) => a + b, 0);

const READS = new Set(["GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems"]);
const WRITES = new Set(["PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"]);

// The middleware reads the inputs and outputs of every DynamoDB command generically.
// biome-ignore lint/suspicious/noExplicitAny: shapes differ per command; each case reads its own fields
type AnyInput = Record<string, any>;
// biome-ignore lint/suspicious/noExplicitAny: as above
type AnyOutput = Record<string, any>;

// By entity, as netPaid scans for them: a payout item's pk is its program's ledger partition (keys.payout).
const isPayout = (item: Av | undefined) => item?.entity?.S === "payout";

/** Payout items a successful write request put. */
function payoutPuts(operation: string, input: AnyInput): number {
  switch (operation) {
    case "PutItem":
      return isPayout(input.Item) ? 1 : 0;
    case "BatchWriteItem":
      return Object.values(input.RequestItems as Record<string, AnyInput[]>)
        .flat()
        .filter((r) => isPayout(r.PutRequest?.Item)).length;
    case "TransactWriteItems":
      return (input.TransactItems as AnyInput[]).filter((a) => isPayout(a.Put?.Item)).length;
    default:
      return 0;
  }
}

function reported(output: AnyOutput): number {
  const consumed = output.ConsumedCapacity;
  const list = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
  return list.reduce((sum: number, c: { CapacityUnits?: number }) => sum + (c.CapacityUnits ?? 0), 0);
}

export class DynamoMeter {
  readonly usage: Usage = emptyUsage();
  private readonly shadow = new Map<string, Map<string, Av>>();

  constructor(private readonly schemas: Record<string, TableSchema> = {}) {}

  /** Declares a table's key and indexes; items of undeclared tables are sized without index writes. */
  table(name: string, schema: TableSchema): void {
    this.schemas[name] = schema;
  }

  snapshot(): Usage {
    return copyUsage(this.usage);
  }

  /**
   * Adds the metering middleware. `model: false` only counts requests and errors (cheap enough for
   * throughput runs); `model: true` also asks for and computes capacity.
   */
  attach(client: DynamoDBClient, options: { model: boolean }): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const operation = (context.commandName ?? "Unknown").replace(/Command$/, "");
        this.usage.requests[operation] = (this.usage.requests[operation] ?? 0) + 1;
        let input = args.input as AnyInput;
        if (options.model && (READS.has(operation) || WRITES.has(operation))) {
          if (input.ReturnConsumedCapacity === undefined) {
            input = { ...input, ReturnConsumedCapacity: "TOTAL" };
          }
        }
        try {
          const result = await next({ ...args, input });
          this.usage.payoutItems += payoutPuts(operation, input);
          if (options.model) this.onSuccess(operation, input, result.output as AnyOutput);
          return result;
        } catch (error) {
          const name = (error as Error)?.name ?? "Error";
          this.usage.errors[name] = (this.usage.errors[name] ?? 0) + 1;
          if (options.model) this.onFailure(operation, input, name);
          throw error;
        }
      },
      { step: "initialize", name: "benchDynamoMeter", override: true },
    );
  }

  private schema(table: string): TableSchema {
    return this.schemas[table] ?? { key: [], indexes: [] };
  }

  private items(table: string): Map<string, Av> {
    let items = this.shadow.get(table);
    if (!items) {
      items = new Map();
      this.shadow.set(table, items);
    }
    return items;
  }

  private keyOf(table: string, item: Av): string {
    const schema = this.schema(table);
    const names = schema.key.length ? schema.key : Object.keys(item).sort();
    return names.map((name) => JSON.stringify(item[name] ?? null)).join("|");
  }

  private charge(table: string, kind: "read" | "write", units: number): void {
    const t = tableUsage(this.usage, table);
    if (kind === "read") {
      this.usage.readUnits += units;
      t.readUnits += units;
    } else {
      this.usage.writeUnits += units;
      t.writeUnits += units;
    }
  }

  /** Cost of replacing the stored item by `after` (undefined: a delete), then applies it to the shadow. */
  private write(table: string, key: Av, after: Av | undefined, factor: 1 | 2): void {
    const items = this.items(table);
    const id = this.keyOf(table, key);
    const before = items.get(id);
    const size = Math.max(before ? itemSize(before) : 0, after ? itemSize(after) : 0);
    this.charge(
      table,
      "write",
      factor * writeUnits(size) + indexWriteUnits(this.schema(table), before, after),
    );
    if (after) items.set(id, after);
    else items.delete(id);
  }

  private update(table: string, action: AnyInput, factor: 1 | 2): void {
    const before = this.items(table).get(this.keyOf(table, action.Key));
    const after = applySimpleSet(
      before,
      action.Key,
      action.UpdateExpression,
      action.ExpressionAttributeNames,
      action.ExpressionAttributeValues,
    );
    if (!after) this.usage.unmodelled++;
    this.write(table, action.Key, after ?? before ?? action.Key, factor);
  }

  private onSuccess(operation: string, input: AnyInput, output: AnyOutput): void {
    const units = reported(output);
    if (READS.has(operation)) this.usage.reportedReadUnits += units;
    else if (WRITES.has(operation)) this.usage.reportedWriteUnits += units;

    switch (operation) {
      case "GetItem": {
        const size = output.Item ? itemSize(output.Item) : 0;
        this.charge(input.TableName, "read", readUnits(size) * (input.ConsistentRead ? 1 : 0.5));
        return;
      }
      case "BatchGetItem": {
        for (const [table, request] of Object.entries(input.RequestItems as Record<string, AnyInput>)) {
          const found: Av[] = output.Responses?.[table] ?? [];
          const unprocessed = output.UnprocessedKeys?.[table]?.Keys?.length ?? 0;
          const missing = request.Keys.length - found.length - unprocessed;
          const units = found.reduce((sum, item) => sum + readUnits(itemSize(item)), 0) + missing;
          this.charge(table, "read", units * (request.ConsistentRead ? 1 : 0.5));
        }
        return;
      }
      case "PutItem":
        this.write(input.TableName, input.Item, input.Item, 1);
        return;
      case "UpdateItem":
        this.update(input.TableName, input, 1);
        return;
      case "DeleteItem":
        this.write(input.TableName, input.Key, undefined, 1);
        return;
      case "BatchWriteItem": {
        if (Object.keys(output.UnprocessedItems ?? {}).length) this.usage.unmodelled++;
        for (const [table, requests] of Object.entries(input.RequestItems as Record<string, AnyInput[]>)) {
          for (const request of requests) {
            if (request.PutRequest) this.write(table, request.PutRequest.Item, request.PutRequest.Item, 1);
            else if (request.DeleteRequest) this.write(table, request.DeleteRequest.Key, undefined, 1);
          }
        }
        return;
      }
      case "TransactWriteItems": {
        for (const action of input.TransactItems as AnyInput[]) {
          if (action.Put) this.write(action.Put.TableName, action.Put.Item, action.Put.Item, 2);
          else if (action.Update) this.update(action.Update.TableName, action.Update, 2);
          else if (action.Delete) this.write(action.Delete.TableName, action.Delete.Key, undefined, 2);
          else if (action.ConditionCheck) {
            const { TableName, Key } = action.ConditionCheck;
            const checked = this.items(TableName).get(this.keyOf(TableName, Key));
            this.usage.conditionChecks++;
            this.charge(TableName, "write", 2 * writeUnits(checked ? itemSize(checked) : 0));
          }
        }
        return;
      }
      default:
        if (READS.has(operation) || WRITES.has(operation)) this.usage.unmodelled++;
    }
  }

  private onFailure(operation: string, input: AnyInput, errorName: string): void {
    // A failed conditional single-item write still consumes write capacity (ProvisionedThroughput.md):
    // ⌈new item size / 1 KB⌉ on an existing item, 1 on a missing one. Nothing is written.
    if (errorName !== "ConditionalCheckFailedException") return;
    if (operation === "PutItem") {
      const exists = this.items(input.TableName).has(this.keyOf(input.TableName, input.Item));
      this.charge(input.TableName, "write", exists ? writeUnits(itemSize(input.Item)) : 1);
    } else if (operation === "UpdateItem" || operation === "DeleteItem") {
      const before = this.items(input.TableName).get(this.keyOf(input.TableName, input.Key));
      this.charge(input.TableName, "write", before ? writeUnits(itemSize(before)) : 1);
    }
  }
}

/** Counts SQS requests by operation (SendMessage, ReceiveMessage, DeleteMessageBatch, …). */
export class SqsMeter {
  readonly requests: Record<string, number> = {};

  attach(client: SQSClient): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const operation = (context.commandName ?? "Unknown").replace(/Command$/, "");
        this.requests[operation] = (this.requests[operation] ?? 0) + 1;
        return next(args);
      },
      { step: "initialize", name: "benchSqsMeter", override: true },
    );
  }

  snapshot(): Record<string, number> {
    return { ...this.requests };
  }
}
