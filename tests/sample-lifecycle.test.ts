import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { LIFECYCLE_TYPES } from "../sample/draft";
import { generateSample } from "../sample/generate";
import { REPLAYED_AT } from "../sample/ledger-view";
import { keyId, keys } from "../shared/decisions/keys";
import type { BatchItem, LineItem, ReceivableItem } from "../shared/decisions/lifecycle/items";
import { reconcileLedger } from "../shared/decisions/lifecycle/reconcile";
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
  for (const state of [
    "in-batch",
    "withdrawn",
    "awaiting-credit",
    "instructed",
    "disbursed",
    "lapsed",
    "waived",
  ]) {
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

test("netting: a debt of money paid is settled out of the payee's next line of the program, named on both", async () => {
  const { replay, result } = replayed();
  const items = [...result.items.values()];
  const netted = items.filter((i): i is LineItem => i.entity === "line" && i.netted.length > 0);
  expect(netted.map((l) => [l.lineId, fenToYuan(l.originalFen), fenToYuan(l.amountFen)])).toEqual([
    ["sme-tech-purchase.2025.20251009.dbe8bc18", "198246.00", "183888.00"],
  ]);
  const [line] = netted;
  const [netting] = line?.netted ?? [];
  const receivable = items.find(
    (i): i is ReceivableItem =>
      i.entity === "receivable" && netting !== undefined && keyId(i.key) === keyId(netting.receivable),
  );
  // The line names the receivable it settled; the receivable names the line that settled it.
  expect(netting && { ...netting, receivable: keyId(netting.receivable) }).toEqual({
    receivable: keyId(
      keys.receivable(2024, "sme-tech-purchase", { kind: "enterprise", id: line?.beneficiary.id ?? "" }),
    ),
    program: "sme-tech-purchase",
    period: 2024,
    fen: 1435800n,
  });
  expect(receivable?.beneficiary.id).toBe(line?.beneficiary.id);
  expect(receivable?.history.map((h) => [h.what.replace(/ po_.*/, ""), fenToYuan(h.fen)])).toEqual([
    ["clawback", "14358.00"],
    [`netted by ${line?.lineId}`, "-14358.00"],
  ]);
  expect([receivable?.owedFen, receivable?.nettedInFen]).toEqual([0n, 1435800n]);
  // The receivable is of money that left: the unit's only line was paid, and then clawed back.
  const unit = linesOf(replay, city).filter(
    ([program, who]) => program === "sme-tech-purchase" && who === line?.beneficiary.id,
  );
  expect(unit.map(([, , period, state, amount]) => [period, state, amount])).toEqual([
    [2024, "disbursed", "14358.00"],
    [2025, "in-batch", "183888.00"],
  ]);
  // Both units balance: 0 = 14,358.00 disbursed − 14,358.00 netted in; 198,246.00 = 183,888.00 + 14,358.00 out.
  const { units } = await reconcileLedger(result.ledger, city);
  const balances = units.filter((u) => u.beneficiary === `enterprise:${line?.beneficiary.id}`);
  expect(balances.map((u) => [u.period, u.entitlementFen, u.buckets, u.differenceFen])).toEqual([
    [2024, 0n, { disbursed: 1435800n, nettedIn: 1435800n }, 0n],
    [2025, 19824600n, { "in-batch": 18388800n, nettedOut: 1435800n }, 0n],
  ]);
});

test("a payee declines a line within its confirmation window: it is waived, nothing is instructed", () => {
  const { replay, result } = replayed();
  const declined = [...result.items.values()].filter(
    (i): i is LineItem => i.entity === "line" && i.declinedOn !== undefined,
  );
  expect(declined.map((l) => [l.lineId, l.declinedOn])).toEqual([
    ["sme-tech-purchase.2024.20240506.d3b0447b", "2024-07-11"],
  ]);
  const waived = linesOf(replay, city).filter(([, , , state]) => state === "waived");
  expect(waived.map(([program, who, , , amount]) => [program, who, amount])).toEqual([
    ["sme-tech-purchase", declined[0]?.beneficiary.id, fenToYuan(declined[0]?.amountFen ?? 0n)],
  ]);
  const instructed = result.lifecycle
    .flatMap((o) => o.messages)
    .filter((m) => m.kind === "payment-instruction" && m.lineId === declined[0]?.lineId);
  expect(instructed).toEqual([]);
});
