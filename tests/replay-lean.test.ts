import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { provinceStream } from "../bench/replay-stream";
import { reconcileLedger } from "../shared/decisions/lifecycle/reconcile";
import type { CityPolicy } from "../shared/policy/city";
import { readCity } from "../shared/policy/files";
import type { OutboundMessage } from "../shared/simulate/memory-ledger";
import { simulate } from "../shared/simulate/simulate";
import { formatLineStates, summarise, Tally } from "../shared/simulate/summary";

const AT = "2026-12-01T00:00:00.000Z";
const json = (value: unknown) => JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? `${v}n` : v));

/**
 * The lean replay `simulate`, `compare` and the bench run (no history items, the outbox handed on and not
 * kept, payout items summed per beneficiary) decides exactly what the full one does: the same messages in
 * the same order, outcomes, rejections, standing items and reconciliation, to the fen.
 */
async function expectLeanEqualsFull(lines: readonly string[], city: CityPolicy) {
  const full = simulate(lines, city, () => AT);
  const handed: OutboundMessage[] = [];
  const tally = new Tally();
  const onMessage = (m: OutboundMessage) => {
    handed.push(m);
    tally.add(m);
  };
  const lean = simulate(lines, city, () => AT, undefined, { history: false, onMessage });
  expect(full.messages.length).toBeGreaterThan(0);
  expect(lean.messages).toEqual([]);
  expect(handed.map(json)).toEqual(full.messages.map(json));
  expect(tally.summary(lean.rejections, lean.deadLetters, lean.refused)).toEqual(
    summarise(full.messages, full.rejections, full.deadLetters, full.refused),
  );
  expect(lean.outcomes).toEqual(full.outcomes);
  expect(lean.rejections).toEqual(full.rejections);
  expect(lean.deadLetters).toEqual(full.deadLetters);
  const standing = [...full.items].filter(
    ([, item]) => item.entity !== "history" && item.entity !== "outbox",
  );
  expect(standing.length).toBeLessThan(full.items.size);
  expect(new Map([...lean.items].map(([id, item]) => [id, json(item)]))).toEqual(
    new Map(standing.map(([id, item]) => [id, json(item)])),
  );
  const fullStates = await reconcileLedger(full.ledger, city);
  const leanStates = await reconcileLedger(lean.ledger, city);
  expect(formatLineStates(leanStates)).toBe(formatLineStates(fullStates));
  expect(json(leanStates)).toBe(json(fullStates));
}

test("the lean replay of the sample decides and reconciles exactly as the full one", async () => {
  const sample = readFileSync(join(import.meta.dirname, "..", "examples", "jinan-2024.ndjson"), "utf8");
  await expectLeanEqualsFull(sample.split("\n"), readCity("jinan"));
}, 120_000);

test("the lean replay of a generated province stream decides exactly as the full one", async () => {
  await expectLeanEqualsFull(provinceStream({ seed: 7, facts: 1500 }), readCity("jinan"));
}, 120_000);
