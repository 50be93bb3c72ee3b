/**
 * DynamoDB's 400 KB item limit (payments.md § Item size): the domain's count of an item's bytes is the
 * stored ledger's encoding, a fact that would write a larger item is refused before sending as itself,
 * and a replay names the standing items a stored ledger could not hold. tests/engines/dynamodb.test.ts
 * shows DynamoDB Local refusing at exactly the byte this count says.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { describe, expect, test } from "vitest";
import { MAX_ITEM_BYTES, storedItemBytes, type VersionedPut } from "../../shared/decisions/items";
import type { BatchItem } from "../../shared/decisions/lifecycle/items";
import { attributeBytes, encodeItem } from "../../shared/ledger/codec";
import { DynamoLedger } from "../../shared/ledger/dynamo-ledger";
import { ItemTooLargeError } from "../../shared/ledger/errors";
import { transactionFor } from "../../shared/ledger/transaction";
import { readCity } from "../../shared/policy/files";
import {
  formatOversized,
  formatOversizedItems,
  oversizedItems,
  storageWarnings,
} from "../../shared/simulate/summary";
import { replaySample } from "../support/sample";

const city = readCity("jinan");
const NOW = "2024-11-20T01:30:02.114Z";
// History items and the lifecycle's outbox lists kept: every kind of item the stored ledger writes.
const { result, applied } = replaySample(city, NOW);

/** A fact of the sample that writes a batch, and that batch's put. */
function batchWrite() {
  for (const decision of applied) {
    const put = decision.writes.puts.find((p) => p.item.entity === "batch");
    if (put) return { decision, put: put as VersionedPut<BatchItem> };
  }
  throw new Error("expected a fact that writes a batch");
}

/** The batch with lapses added until its stored form is exactly `bytes` or just over. */
function grown(batch: BatchItem, bytes: number): BatchItem {
  const lapsed = { ...batch.lapsed };
  const item = { ...batch, lapsed };
  const add = (n: number) => {
    lapsed[`h${String(n).padStart(63, "0")}`] = "2024-12-31";
  };
  // `"h0…0":"2024-12-31",` is 80 bytes: most at once, never past `bytes`, the last ones one by one.
  let n = 0;
  for (const last = n + Math.floor((bytes - storedItemBytes(item)) / 80); n < last; n++) add(n);
  for (; storedItemBytes(item) < bytes; n++) add(n);
  return item;
}

describe("item size (payments.md § Item size)", () => {
  test("the domain's count is the encoded item's, for every item the sample's replay stores", () => {
    const items = [...result.items.values()];
    const kinds = new Set(items.map((i) => i.entity));
    for (const kind of ["receipt", "fact", "unit", "beneficiary", "line", "batch", "outbox", "history"])
      expect(kinds).toContain(kind);
    const counted = items.map(storedItemBytes);
    expect(counted).toEqual(items.map((i) => attributeBytes(encodeItem(i))));
    expect(Math.max(...counted)).toBeLessThan(MAX_ITEM_BYTES);
  });

  test("a fact that would write a batch over the limit is refused before sending, naming it", () => {
    const { decision, put } = batchWrite();
    const over = grown(put.item, MAX_ITEM_BYTES + 1);
    const bytes = storedItemBytes(over);
    const writes = {
      ...decision.writes,
      puts: [...decision.writes.puts.filter((p) => p !== put), { ...put, item: over }],
    };
    expect(() => transactionFor("t", writes)).toThrow(ItemTooLargeError);
    expect(() => transactionFor("t", writes)).toThrow(
      `batch ${over.key.pk} ${over.key.sk} is ${bytes} bytes, over DynamoDB's 409600-byte item limit`,
    );
  });

  test("the stored ledger refuses it as itself, not as an outage", async () => {
    const { decision, put } = batchWrite();
    const writes = { ...decision.writes, puts: [{ ...put, item: grown(put.item, MAX_ITEM_BYTES + 1) }] };
    // No endpoint answers here: a request sent would fail as LedgerUnavailableError.
    const client = new DynamoDBClient({
      endpoint: "http://127.0.0.1:9",
      region: "us-east-1",
      maxAttempts: 1,
    });
    await expect(new DynamoLedger(client, "t", city).commit(writes)).rejects.toBeInstanceOf(
      ItemTooLargeError,
    );
  });

  test("a batch at exactly the limit is built", () => {
    const { decision, put } = batchWrite();
    const item = grown(put.item, MAX_ITEM_BYTES - 200);
    // One ASCII character more in a JSON string is one byte more: pad the last entry to the limit.
    const lapsed = item.lapsed as Record<string, string>;
    lapsed.last = "";
    lapsed.last = "x".repeat(MAX_ITEM_BYTES - storedItemBytes(item));
    expect(storedItemBytes(item)).toBe(MAX_ITEM_BYTES);
    const writes = { ...decision.writes, puts: [{ ...put, item }] };
    expect(transactionFor("t", writes).TransactItems?.length).toBeGreaterThan(0);
  });

  test("a replay names the standing items over a limit, largest first; under it, no warning", () => {
    const batches = [...result.items.values()].filter((i) => i.entity === "batch");
    const limit = Math.min(...batches.map(storedItemBytes)) - 1;
    // Only the kinds whose lists grow with the lines are measured; the lists of messages as they commit.
    const growing = ["batch", "beneficiary", "agenda", "receivable"];
    const expected = [...result.items.values()]
      .filter((i) => growing.includes(i.entity))
      .map((i) => ({ entity: i.entity, pk: i.key.pk, sk: i.key.sk, bytes: storedItemBytes(i) }))
      .filter((i) => i.bytes > limit)
      .sort((a, b) => b.bytes - a.bytes);
    expect(expected.map((i) => i.entity)).toContain("batch");
    const over = oversizedItems(result.items.values(), limit);
    expect(over).toEqual(expected);
    const [largest] = expected;
    const warning = formatOversizedItems(over);
    expect(warning).toContain(`warning: ${expected.length} items (${expected.length} batch) are over`);
    expect(warning).toContain(`${largest?.entity} ${largest?.pk} ${largest?.sk}, ${largest?.bytes} bytes.`);
    expect(oversizedItems(result.items.values())).toEqual([]);
    expect(formatOversizedItems([])).toBe("");
  });

  test("a lean replay measures each message list as it commits: the same lists a full one stores", () => {
    const lists = [...result.items.values()].filter((i) => i.entity === "outbox");
    const sizes = lists.map(storedItemBytes).sort((a, b) => b - a);
    const limit = (sizes[Math.floor(sizes.length / 2)] ?? 0) - 1;
    const { result: lean } = replaySample(city, NOW, {
      history: false,
      onMessage: () => {},
      itemLimit: limit,
    });
    expect(lean.items.size).toBeLessThan(result.items.size);
    expect(lean.oversizedLists.map((l) => l.bytes).sort((a, b) => b - a)).toEqual(
      sizes.filter((b) => b > limit),
    );
    expect(new Set(lean.oversizedLists.map((l) => l.entity))).toEqual(new Set(["outbox"]));
    expect(result.oversizedLists).toEqual([]);
  });

  test("simulate's and compare's warnings: facts over the action limit first, then lists and items together", () => {
    const limits = { transactionLimit: 20, itemLimit: 2_000 };
    const { result: lowered } = replaySample(city, NOW, { history: false, onMessage: () => {}, ...limits });
    const items = [...lowered.oversizedLists, ...oversizedItems(lowered.items.values(), limits.itemLimit)];
    expect(lowered.oversized.length).toBeGreaterThan(0);
    expect(new Set(items.map((i) => i.entity))).toEqual(new Set(["outbox", "batch"]));
    // storageWarnings measures standing items at DynamoDB's limit; the lowered lists are the replay's own.
    const [facts, lists, ...rest] = storageWarnings({ ...lowered, items: new Map() });
    expect(facts).toBe(formatOversized(lowered.oversized));
    expect(lists).toBe(formatOversizedItems([...lowered.oversizedLists].sort((a, b) => b.bytes - a.bytes)));
    expect(rest).toEqual([]);
    expect(storageWarnings(result)).toEqual([]);
  });
});
