/**
 * DynamoDB capacity computed from item sizes with DynamoDB's published rules, because DynamoDB Local's
 * own ConsumedCapacity is wrong where this benchmark needs it (checked when the bench was written,
 * dynamodb_local_2026-05-28):
 *   - a TransactWriteItems of three 500-byte items reports 2 units; the developer guide's own example
 *     (transaction-apis.md, "Capacity management for transactions") says 6;
 *   - a BatchGetItem key that finds no item reports 0; the guide says a strongly consistent read of a
 *     missing item costs 1 RCU (ProvisionedThroughput.md);
 *   - ConditionCheck actions report 0.
 * Single-item PutItem/GetItem figures from DynamoDB Local do match the rules below; they are kept next
 * to the computed ones (`reported*`) so the gap stays visible.
 *
 * Rules (developer guide: CapacityUnitCalculations, ProvisionedThroughput, transaction-apis, GSI):
 *   item size    Σ UTF-8 bytes of attribute names + values; numbers ≈ 1 byte per 2 significant digits
 *                + 1; null/bool 1; list/map 3 + 1 per element + contents.
 *   read         strongly consistent: ⌈size / 4 KB⌉ per item, a missing item 1; eventually consistent: half.
 *   write        ⌈max(size before, size after) / 1 KB⌉ per item (PutItem, UpdateItem; BatchWriteItem per
 *                item); DeleteItem: the deleted item's size. A failed conditional PutItem still costs
 *                ⌈new size / 1 KB⌉ on an existing item, 1 on a missing one.
 *   transaction  every Put/Update/Delete in TransactWriteItems costs twice (prepare + commit).
 *   GSI          a write that puts an item into an index costs one index write of ⌈entry / 1 KB⌉ (ALL
 *                projection: the entry is the item); a key change costs a delete and a put.
 * Not stated in the guide, taken from measurements against real DynamoDB published by emulator
 * conformance projects (paritysuite/dynamodb-conformance#67, nubo-db/dynoxide#188):
 *   - a ConditionCheck in TransactWriteItems costs 2 WCU per KB of the item it checks (write, not read);
 *   - the ×2 applies to the base table only: index writes inside a transaction cost what they cost outside.
 * A cancelled transaction returns no ConsumedCapacity; it is counted as 0 here (only the concurrent
 * throughput runs, which do not report capacity, ever lose races).
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";

export type Av = Record<string, AttributeValue>;

const utf8 = (text: string) => Buffer.byteLength(text, "utf8");

function numberSize(text: string): number {
  const digits = text
    .replace(/^[-+]/, "")
    .replace(/[eE].*$/, "")
    .replace(".", "")
    .replace(/^0+/, "")
    .replace(/0+$/, "");
  return Math.ceil(digits.length / 2) + 1;
}

function binarySize(value: Uint8Array | string): number {
  return typeof value === "string" ? Buffer.from(value, "base64").length : value.length;
}

/** Size in bytes of one value (its name not included). */
export function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return utf8(value.S);
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return binarySize(value.B);
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS !== undefined) return value.SS.reduce((sum, s) => sum + utf8(s), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, n) => sum + numberSize(n), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, b) => sum + binarySize(b), 0);
  if (value.L !== undefined) return 3 + value.L.reduce((sum, element) => sum + 1 + valueSize(element), 0);
  if (value.M !== undefined) {
    return 3 + Object.entries(value.M).reduce((sum, [name, v]) => sum + 1 + utf8(name) + valueSize(v), 0);
  }
  return 0;
}

export function itemSize(item: Av): number {
  return Object.entries(item).reduce((sum, [name, value]) => sum + utf8(name) + valueSize(value), 0);
}

export const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
export const readUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 4096));

export interface TableSchema {
  /** Primary key attribute names (partition key first). */
  key: string[];
  /** Index key attribute names per global secondary index (ALL projection assumed). */
  indexes: string[][];
}

const sameValue = (a: AttributeValue | undefined, b: AttributeValue | undefined) =>
  JSON.stringify(a) === JSON.stringify(b);

/** Index writes caused by replacing `before` with `after` (either may be absent). */
export function indexWriteUnits(schema: TableSchema, before: Av | undefined, after: Av | undefined): number {
  let units = 0;
  for (const keys of schema.indexes) {
    const inBefore = before !== undefined && keys.every((k) => before[k] !== undefined);
    const inAfter = after !== undefined && keys.every((k) => after[k] !== undefined);
    if (inBefore && inAfter && before && after) {
      const moved = keys.some((k) => !sameValue(before[k], after[k]));
      units += moved
        ? writeUnits(itemSize(before)) + writeUnits(itemSize(after))
        : writeUnits(itemSize(after));
    } else if (inAfter && after) units += writeUnits(itemSize(after));
    else if (inBefore && before) units += writeUnits(itemSize(before));
  }
  return units;
}

/**
 * The item an UpdateItem leaves, for the simple `SET #a = :a, #b = :b` expressions the Powertools
 * persistence layer sends; `undefined` when the expression is anything else.
 */
export function applySimpleSet(
  before: Av | undefined,
  key: Av,
  expression: string | undefined,
  names: Record<string, string> = {},
  values: Av = {},
): Av | undefined {
  const match = /^\s*SET\s+(.+)$/i.exec(expression ?? "");
  if (!match?.[1]) return undefined;
  const after: Av = { ...(before ?? key) };
  for (const assignment of match[1].split(",")) {
    const parts = /^\s*([#\w]+)\s*=\s*(:\w+)\s*$/.exec(assignment);
    if (!parts?.[1] || !parts[2]) return undefined;
    const name = parts[1].startsWith("#") ? names[parts[1]] : parts[1];
    const value = values[parts[2]];
    if (name === undefined || value === undefined) return undefined;
    after[name] = value;
  }
  return after;
}
