import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { createWorkbenchHandler } from "../../functions/workbench/app";
import type { HistoryItem } from "../../shared/decisions/history";
import type { Decision } from "../../shared/decisions/items";
import { readTrace, traceOf } from "../../shared/decisions/trace";
import { MemoryLedgerReader } from "../../shared/ledger/memory-reader";
import { readCity } from "../../shared/policy/files";
import { MemoryLedger } from "../../shared/simulate/memory-ledger";
import { simulate } from "../../shared/simulate/simulate";
import { usccFor } from "../support/parties";
import { toLine } from "../support/scenarios";
import { parseAsSent } from "../support/sent";
import { callWith } from "../support/workbench";

const city = readCity("jinan");
const context = { city: "jinan", districtIds: city.districtIds };
const NOW = "2024-11-20T01:30:02.114Z";
type Event = Parameters<typeof toLine>[0];

function applyAll(ledger: MemoryLedger, events: Event[]): Decision[] {
  return events.map((event, i) => {
    const parsed = parseAsSent(toLine(event, i, "jinan"), context);
    if (!parsed.ok) throw new Error(parsed.rejection.detail);
    return ledger.applyNow(parsed.message, NOW);
  });
}

function historyOf(ledger: MemoryLedger, uscc: string): HistoryItem[] {
  return ledger.query({ pk: `beneficiary#enterprise#${uscc}`, skPrefix: "history#" }) as HistoryItem[];
}

const E1 = usccFor("E1");
const grant: Event = {
  type: "hte.certification.granted",
  id: "CERT-1",
  time: "2024-03-20T09:30:00+08:00",
  data: {
    certificateNo: "GR1",
    enterprise: "E1",
    kind: "first",
    scale: "above",
    district: "370102",
    issuedOn: "2024-03-15",
  },
};
const revoke: Event = {
  type: "hte.certification.revoked",
  id: "REV-1",
  time: "2024-09-01T10:00:00+08:00",
  data: { certificateNo: "GR1", revokedOn: "2024-08-30", reason: "fraud" },
};

describe("history items: what a fact did to each beneficiary, in its own transaction", () => {
  test("a certification writes one history item for the enterprise: units, payout, line", () => {
    const [decision] = applyAll(new MemoryLedger(city), [grant]);
    if (decision?.outcome !== "applied") throw new Error("expected applied");
    const mine = decision.writes.history.filter((h) => h.beneficiary.id === E1);
    expect(mine).toHaveLength(1);
    const [item] = mine as [HistoryItem];
    expect(item.key).toEqual({
      pk: `beneficiary#enterprise#${E1}`,
      sk: "history#2024-03-20T01:30:00.000000000Z#registry%2Fhte-certification#CERT-1",
    });
    expect(item.fact).toMatchObject({ type: "hte.certification.granted", id: "CERT-1", naturalKey: "GR1" });
    const [payout] = decision.writes.payouts.filter((p) => p.beneficiary.id === E1);
    expect(item.payouts).toEqual([
      {
        payoutId: payout?.payoutId,
        program: "hte-first-award",
        period: 2024,
        amountFen: BigInt(payout?.amountFen ?? 0),
        status: "payable",
        explanation: payout?.explanation,
      },
    ]);
    expect(item.units?.map((u) => [u.program, u.version, u.periods])).toEqual([
      ["hte-first-award", 1, [{ period: 2024, beforeFen: 0n, afterFen: BigInt(payout?.amountFen ?? 0) }]],
    ]);
    expect(item.lines?.map((l) => [l.from, l.to])).toEqual([[null, "in-batch"]]);
  });

  test("a redelivery adds nothing; the same fact under another id is a replay, recorded as why nothing", () => {
    const ledger = new MemoryLedger(city);
    const decisions = applyAll(ledger, [grant, grant, { ...grant, id: "CERT-1-again" }]);
    expect(decisions.map((d) => d.outcome)).toEqual(["applied", "duplicate", "applied"]);
    const history = historyOf(ledger, E1);
    expect(history.map((h) => [h.fact.id, h.reason ?? null, h.units?.length ?? 0])).toEqual([
      ["CERT-1", null, 1],
      ["CERT-1-again", "replay", 0],
    ]);
  });

  test("a revocation records before → after and the clawback; the trace sums to the payouts", () => {
    const ledger = new MemoryLedger(city);
    applyAll(ledger, [grant, revoke]);
    const history = historyOf(ledger, E1);
    expect(history.map((h) => h.units?.[0]?.periods[0])).toEqual([
      { period: 2024, beforeFen: 0n, afterFen: 30000000n },
      { period: 2024, beforeFen: 30000000n, afterFen: 0n },
    ]);
    const trace = traceOf({ kind: "enterprise", id: E1 }, history);
    expect(trace.totals).toEqual({
      entitlement: { amount: "0.00", amountFen: "0" },
      changes: { amount: "0.00", amountFen: "0" },
      payouts: { amount: "0.00", amountFen: "0" },
    });
    expect(trace.events.map((e) => e.payouts.map((p) => p.amount.amount))).toEqual([
      ["300000.00"],
      ["-300000.00"],
    ]);
    expect(trace.whyNothing[1]).toBe(
      "hte.certification.revoked GR1 (2024-09-01): hte-first-award 2024 300000.00 → 0.00",
    );
  });

  test("facts in another order leave the same history keys (they depend on the facts, not on arrival)", () => {
    const turnover: Event = {
      type: "hte.certification.granted",
      id: "CERT-2",
      time: "2024-05-20T09:30:00+08:00",
      data: { ...grant.data, certificateNo: "GR2", enterprise: "E2", issuedOn: "2024-05-15" },
    };
    const inOrder = new MemoryLedger(city);
    applyAll(inOrder, [grant, revoke, turnover]);
    const reordered = new MemoryLedger(city);
    // The revocation first waits for its certificate (the stream replays it once the certificate stands).
    const decisions = applyAll(reordered, [revoke, turnover, grant, revoke]);
    expect(decisions.map((d) => d.outcome)).toEqual(["waiting", "applied", "applied", "applied"]);
    const sks = (l: MemoryLedger) =>
      [...l.items.values()]
        .filter((i) => i.entity === "history")
        .map((i) => i.key.sk)
        .sort();
    expect(sks(reordered)).toEqual(sks(inOrder));
  });

  test("why nothing: a fact no policy covers names the enterprise and the reason", () => {
    const ledger = new MemoryLedger(city);
    applyAll(ledger, [
      {
        ...grant,
        id: "OLD",
        time: "2010-03-20T09:30:00+08:00",
        data: { ...grant.data, issuedOn: "2010-03-15" },
      },
    ]);
    const trace = traceOf({ kind: "enterprise", id: E1 }, historyOf(ledger, E1));
    expect(trace.events.map((e) => e.reason)).toEqual(["no-policy"]);
    expect(trace.whyNothing).toEqual([
      "hte.certification.granted GR1 (2010-03-20): no policy version of the city was in force on the fact's date",
    ]);
    expect(traceOf({ kind: "enterprise", id: usccFor("E9") }, []).whyNothing).toEqual([
      `no fact in this ledger names enterprise ${usccFor("E9")}`,
    ]);
  });
});

describe("the trace of the sample", () => {
  const lines = readFileSync("examples/jinan-2024.ndjson", "utf8").split("\n").filter(Boolean);
  const result = simulate(lines, city, () => NOW);
  const payoutsOf = new Map<string, bigint>();
  for (const m of result.messages) {
    if (m.kind === "release") continue;
    const id = `${m.beneficiary.kind}#${m.beneficiary.id}`;
    payoutsOf.set(id, (payoutsOf.get(id) ?? 0n) + BigInt(m.amountFen));
  }

  test("every beneficiary's trace explains its payout total, to the fen", async () => {
    expect(payoutsOf.size).toBeGreaterThan(100);
    for (const [id, totalFen] of payoutsOf) {
      const [kind, ...rest] = id.split("#");
      const who = { kind: kind as "enterprise", id: rest.join("#") };
      const { view, next } = await readTrace(result.ledger, who, { limit: 500 });
      expect(next, id).toBeNull();
      expect([view.totals.entitlement.amountFen, view.totals.payouts.amountFen], id).toEqual([
        totalFen.toString(),
        totalFen.toString(),
      ]);
    }
  });

  test("the route pages a trace with a cursor of its own, and refuses a bad id, kind or cursor", async () => {
    const [busiest] = [...payoutsOf.keys()]
      .filter((id) => id.startsWith("enterprise#"))
      .map((id) => id.slice("enterprise#".length))
      .map((uscc) => ({ uscc, n: historyOf(result.ledger, uscc).length }))
      .sort((a, b) => b.n - a.n);
    if (!busiest || busiest.n < 2) throw new Error("expected an enterprise with two facts");
    const staff = { send: async () => Promise.reject(new Error("a trace publishes nothing")) };
    const reader = new MemoryLedgerReader(result.ledger);
    const call = callWith(createWorkbenchHandler({ city, reader, staff, now: () => "2025-01-31T00:00:00Z" }));
    const as = { role: "jinan-workbench-approver-auditor", login: "chen.jing" };
    const first = await call("GET", `/trace/${busiest.uscc}`, { as, query: { limit: "1" } });
    expect(first.status, first.body).toBe(200);
    expect(first.json.events).toHaveLength(1);
    const cursor = first.json.nextCursor ?? "";
    const second = await call("GET", `/trace/${busiest.uscc}`, { as, query: { limit: "1", cursor } });
    expect(second.status, second.body).toBe(200);
    expect(second.json.events[0]?.fact.id).not.toBe(first.json.events[0]?.fact.id);
    const other = await call("GET", `/trace/enterprise/${E1}`, { as, query: { cursor } });
    expect([other.status, other.json]).toMatchObject([400, { type: "urn:autogrant:problem:invalid-cursor" }]);
    const bad = await call("GET", "/trace/91370102MA3C00000X", { as });
    expect([bad.status, bad.json]).toMatchObject([400, { errors: [{ in: "path", name: "id" }] }]);
    const kind = await call("GET", "/trace/person/x", { as });
    expect([kind.status, kind.json]).toMatchObject([400, { errors: [{ in: "path", name: "kind" }] }]);
    const unknown = await call("GET", `/trace/${busiest.uscc}`, { as, query: { colour: "red" } });
    expect([unknown.status, unknown.json]).toMatchObject([
      400,
      { errors: [{ in: "query", name: "colour" }] },
    ]);
    const viewer = await call("GET", `/trace/${busiest.uscc}`, {
      as: { role: "jinan-workbench-viewer", login: "liu.yang" },
    });
    expect([viewer.status, viewer.json]).toMatchObject([403, { type: "urn:autogrant:problem:forbidden" }]);
  });
});
