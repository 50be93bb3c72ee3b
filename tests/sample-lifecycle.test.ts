import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { LIFECYCLE_TYPES } from "../sample/draft";
import { generateSample } from "../sample/generate";
import { REPLAYED_AT } from "../sample/ledger-view";
import type { BatchItem, ReceivableItem } from "../shared/decisions/lifecycle/items";
import { fenToYuan } from "../shared/money";
import { readCity } from "../shared/policy/files";
import { streamOf } from "../shared/simulate/lines";
import { Replay, simulate } from "../shared/simulate/simulate";
import { linesOf } from "./support/lifecycle";

const city = readCity("jinan");
const SAMPLE = join(import.meta.dirname, "..", "examples", "jinan-2024.ndjson");
const lines = readFileSync(SAMPLE, "utf8")
  .split("\n")
  .filter((l) => l.trim() !== "");
const typeOf = (line: string): string | undefined => {
  try {
    return JSON.parse(line).type;
  } catch {
    return undefined;
  }
};
const isLifecycle = (line: string) => LIFECYCLE_TYPES.has(typeOf(line) as never);
const clock = () => REPLAYED_AT;

function replayed() {
  const replay = new Replay(city, clock);
  for (const line of streamOf(lines)) replay.push(line);
  return { replay, result: replay.result() };
}

// `npm run sample` with its defaults: a core change that moves a designed case fails here, not silently.
test("the generator still writes the committed sample, byte for byte", () => {
  expect(generateSample({ seed: 2024, count: 1300 }).lines).toEqual(lines);
}, 60_000);

test("the sample's lifecycle facts are all accepted: none rejected, none left waiting", () => {
  const { result } = replayed();
  const lifecycle = (type: string | null) => LIFECYCLE_TYPES.has(type as never);
  expect(result.rejections.filter((r) => lifecycle(r.type))).toEqual([]);
  expect(result.deadLetters.filter((d) => lifecycle(d.type))).toEqual([]);
  // The added lines stay few: every clock or approval fact costs the local stack a settle barrier.
  expect(lines.filter(isLifecycle).length).toBeLessThanOrEqual(220);
});

test("lifecycle facts leave the entitlement feed exactly as the registry facts alone give it", () => {
  const { result } = replayed();
  const alone = simulate(
    lines.filter((l) => !isLifecycle(l)),
    city,
    clock,
  );
  expect(result.messages).toEqual(alone.messages);
  const net = result.messages.reduce(
    (sum, m) => (m.kind === "release" ? sum : sum + BigInt(m.amountFen)),
    0n,
  );
  expect(fenToYuan(net)).toBe("248383615.70");
});

test("the year has a list of more than 100 lines, and lines in each state the designed cases aim at", () => {
  const { replay, result } = replayed();
  const batches = [...result.items.values()].filter((i): i is BatchItem => i.entity === "batch");
  expect(Math.max(...batches.map((b) => b.lineCount))).toBeGreaterThan(100);
  expect(batches.every((b) => b.approvedOn !== undefined && b.approvedBy?.id !== b.closedBy?.id)).toBe(true);
  // The National Day list: its window runs over the holiday and ends on the 调休 Saturday.
  const nationalDay = batches.find((b) => b.batchId === "tech-contract-rd-2024-3");
  expect(nationalDay?.notice).toEqual({ start: "2024-10-08", end: "2024-10-12" });
  const states = new Map<string, number>();
  for (const [, , , state] of linesOf(replay, city)) states.set(state, (states.get(state) ?? 0) + 1);
  for (const state of ["in-batch", "withdrawn", "awaiting-credit", "instructed", "disbursed", "lapsed"]) {
    expect(states.get(state) ?? 0, state).toBeGreaterThan(0);
  }
});

test("recovery: a disbursed line clawed back is a receivable, and the treasury receives it back", () => {
  const { replay, result } = replayed();
  const recovered = [...result.items.values()].filter(
    (i): i is ReceivableItem => i.entity === "receivable" && i.recoveredFen > 0n,
  );
  expect(
    recovered.map((r) => [r.program, r.period, fenToYuan(r.raisedFen), fenToYuan(r.recoveredFen), r.owedFen]),
  ).toEqual([["hte-first-award", 2024, "200000.00", "200000.00", 0n]]);
  const [receivable] = recovered;
  // Money that left: the unit's only line is disbursed, for what was later recovered.
  const unit = linesOf(replay, city).filter(
    ([program, who, period]) =>
      program === receivable?.program && who === receivable?.beneficiary.id && period === receivable?.period,
  );
  expect(unit.map(([, , , state, amount]) => [state, amount])).toEqual([["disbursed", "200000.00"]]);
});
