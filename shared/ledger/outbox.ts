import { type AttributeValue, type DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import type { ItemKey } from "../decisions/keys";
import { type Delivery, deliveriesOf, keyAttributes } from "./codec";
import { ledgerErrorOf } from "./errors";

/**
 * The outbox as the table holds it. The relay sends what it reads here, never what a stream record's
 * NewImage claims: anyone allowed lambda:InvokeFunction can hand the relay a fabricated record, but only
 * the ingest's transactions write the table.
 */
export class OutboxReader {
  constructor(
    private readonly client: DynamoDBClient,
    readonly table: string,
  ) {}

  /** The messages the item at `key` carries (a consistent read, so a just-committed item is seen). */
  async read(key: ItemKey): Promise<Delivery[] | undefined> {
    let item: Record<string, AttributeValue> | undefined;
    try {
      const response = await this.client.send(
        new GetItemCommand({ TableName: this.table, Key: keyAttributes(key), ConsistentRead: true }),
      );
      item = response.Item;
    } catch (error) {
      throw ledgerErrorOf(error, "outbox GetItem");
    }
    return item ? deliveriesOf(item) : undefined;
  }
}
