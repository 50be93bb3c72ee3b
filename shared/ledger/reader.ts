import { type AttributeValue, type DynamoDBClient, QueryCommand } from "@aws-sdk/client-dynamodb";
import type { Item } from "../decisions/items";
import { beneficiaryKey, type ItemCollection, LEDGER_TABLE, periodStatusKey } from "../decisions/keys";
import type { ReconcileSource } from "../decisions/lifecycle/reconcile";
import type { PayoutMessage } from "../decisions/payouts";
import type { CityPolicy } from "../policy/city";
import type { Beneficiary } from "../policy/parties";
import { decodeItem, decodePayout } from "./codec";
import { DynamoLedger } from "./dynamo-ledger";
import { ledgerErrorOf } from "./errors";

/**
 * What the finance workbench reads the ledger through (docs/contract/workbench.md): Query and key reads
 * only, never a Scan. Program-period partitions and keys are read strongly consistent; the two finance
 * indexes are GSIs, which DynamoDB reads eventually consistent only.
 */
export interface LedgerReader extends ReconcileSource {
  /** Every item of a collection (a partition's sort-key prefix or range), consistent, in sort-key order. */
  query(collection: ItemCollection): Promise<Item[]>;
  /** One page of a collection, consistent. */
  queryPage(collection: ItemCollection, page: PageRequest): Promise<Page<Item>>;
  /** A period's payouts in one budget status (`byPeriodStatus`), optionally of one program. */
  payoutsByStatus(
    q: { period: number; status: string; program?: string | undefined },
    page: PageRequest,
  ): Promise<Page<PayoutMessage>>;
  /** One beneficiary's payouts (`byBeneficiary`), optionally of one period. */
  payoutsOf(
    q: { beneficiary: Pick<Beneficiary, "kind" | "id">; period?: number | undefined },
    page: PageRequest,
  ): Promise<Page<PayoutMessage>>;
}

/** Where a page starts: after the key a previous page ended on (its key attributes, all strings). */
export interface PageRequest {
  limit: number;
  after?: StoredKey | undefined;
}
export type StoredKey = Record<string, string>;
export interface Page<T> {
  items: T[];
  /** The last key read, when there may be more. */
  next: StoredKey | undefined;
}

export class DynamoLedgerReader implements LedgerReader {
  private readonly ledger: DynamoLedger;

  constructor(
    private readonly client: DynamoDBClient,
    readonly table: string,
    city: CityPolicy,
  ) {
    this.ledger = new DynamoLedger(client, table, city);
  }

  query(collection: ItemCollection): Promise<Item[]> {
    return this.ledger.query(collection);
  }
  partition(period: number, program: string) {
    return this.ledger.partition(period, program);
  }
  readItems(keys: Parameters<DynamoLedger["readItems"]>[0]) {
    return this.ledger.readItems(keys);
  }

  async queryPage(collection: ItemCollection, page: PageRequest): Promise<Page<Item>> {
    const { partitionKey: pk, sortKey: sk } = LEDGER_TABLE;
    const found = await this.page(
      {
        KeyConditionExpression: `${pk} = :pk AND begins_with(${sk}, :prefix)`,
        ExpressionAttributeValues: { ":pk": { S: collection.pk }, ":prefix": { S: collection.skPrefix } },
        ConsistentRead: true,
      },
      page,
    );
    return { items: found.items.map(decodeItem), next: found.next };
  }

  payoutsByStatus(
    q: { period: number; status: string; program?: string | undefined },
    page: PageRequest,
  ): Promise<Page<PayoutMessage>> {
    const index = LEDGER_TABLE.indexes.byPeriodStatus;
    return this.payoutPage(
      index,
      periodStatusKey(q.period, q.status),
      q.program ? `${q.program}#` : "",
      page,
    );
  }

  payoutsOf(
    q: { beneficiary: Pick<Beneficiary, "kind" | "id">; period?: number | undefined },
    page: PageRequest,
  ): Promise<Page<PayoutMessage>> {
    const index = LEDGER_TABLE.indexes.byBeneficiary;
    const prefix = q.period === undefined ? "" : `${q.period}#`;
    return this.payoutPage(index, beneficiaryKey(q.beneficiary), prefix, page);
  }

  private async payoutPage(
    index: { name: string; pk: string; sk: string },
    partition: string,
    prefix: string,
    page: PageRequest,
  ): Promise<Page<PayoutMessage>> {
    const found = await this.page(
      {
        IndexName: index.name,
        KeyConditionExpression: `${index.pk} = :pk${prefix ? ` AND begins_with(${index.sk}, :prefix)` : ""}`,
        ExpressionAttributeValues: {
          ":pk": { S: partition },
          ...(prefix ? { ":prefix": { S: prefix } } : {}),
        },
      },
      page,
    );
    return { items: found.items.map(decodePayout), next: found.next };
  }

  private async page(
    query: Omit<ConstructorParameters<typeof QueryCommand>[0], "TableName">,
    page: PageRequest,
  ): Promise<{ items: Record<string, AttributeValue>[]; next: StoredKey | undefined }> {
    try {
      const response = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          ...query,
          Limit: page.limit,
          ...(page.after ? { ExclusiveStartKey: attributesOf(page.after) } : {}),
        }),
      );
      return { items: response.Items ?? [], next: stringsOf(response.LastEvaluatedKey) };
    } catch (error) {
      throw ledgerErrorOf(error, "Query");
    }
  }
}

function attributesOf(key: StoredKey): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(key).map(([name, value]) => [name, { S: value }]));
}

/** Every key attribute of the table and its indexes is a string (keys.ts). */
function stringsOf(key: Record<string, AttributeValue> | undefined): StoredKey | undefined {
  if (!key) return undefined;
  return Object.fromEntries(Object.entries(key).map(([name, value]) => [name, value.S ?? ""]));
}
