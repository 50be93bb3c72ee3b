import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { type Funders, funderLines, splitFen, splitOver } from "../shared/decisions/funders";
import type { BudgetItem, UnitItem } from "../shared/decisions/items";
import type { PayoutMessage } from "../shared/decisions/payouts";
import { fenToYuan } from "../shared/money";
import { parseCityConfig } from "../shared/policy/city";
import { CITIES_DIR, readCity } from "../shared/policy/files";
import { simulate } from "../shared/simulate/simulate";
import { runLifecycle } from "./support/lifecycle";
import { type ScenarioEvent, toLine } from "./support/scenarios";

const city = readCity("jinan");
const SEED = Number(process.env.PROPERTY_SEED ?? Date.now() % 1_000_000);
const RUNS = Number(process.env.PROPERTY_RUNS ?? 60);
console.log(`properties: seed ${SEED} (PROPERTY_SEED=${SEED} replays), ${RUNS} runs`);

const districts = ["370102", "370103", "jinan-hitech-zone"];
const day = (year: number, d: number) =>
  `${year}-${String(1 + (d % 12)).padStart(2, "0")}-${String(1 + (d % 28)).padStart(2, "0")}`;
const money = fc
  .integer({ min: 1, max: 4_000_000_00 })
  .map((fen) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, "0")}`);
const year = fc.constantFrom(2022, 2023, 2024, 2025, 2026);

/** One family of facts, conflict-free by construction: each has its own keys, dependents match originals. */
const certificate = (i: number) =>
  fc
    .record({
      kind: fc.constantFrom("first", "renewal", "relocated"),
      scale: fc.constantFrom("above", "below"),
      district: fc.constantFrom(...districts),
      incubator: fc.option(fc.constantFrom("C1", "C2"), { nil: undefined }),
      year,
      d: fc.nat(400),
      revoked: fc.boolean(),
      enterprise: fc.constantFrom("E1", "E2", "E3"),
    })
    .map((c): ScenarioEvent[] => {
      const data = {
        certificateNo: `GR${i}`,
        enterprise: c.enterprise,
        kind: c.kind,
        scale: c.scale,
        district: c.district,
        issuedOn: day(c.year, c.d),
        ...(c.incubator ? { incubator: c.incubator } : {}),
      };
      const grant = { type: "hte.certification.granted", id: `g${i}`, data };
      const revoke = {
        type: "hte.certification.revoked",
        id: `r${i}`,
        data: { certificateNo: `GR${i}`, revokedOn: "2026-01-05", reason: "撤销" },
      };
      return c.revoked ? [grant, revoke] : [grant];
    });

const contract = (i: number) =>
  fc
    .record({
      category: fc.constantFrom("development", "transfer", "licensing", "consulting", "service"),
      amount: money,
      seller: fc.constantFrom("E1", "E2"),
      sellerKind: fc.constantFrom("enterprise", "university"),
      buyer: fc.constantFrom("E3", "E4"),
      sme: fc.boolean(),
      intermediary: fc.option(fc.constantFrom("I1", "I2"), { nil: undefined }),
      inCity: fc.boolean(),
      year,
      d: fc.nat(400),
      cancelled: fc.boolean(),
    })
    .map((c): ScenarioEvent[] => {
      const data = {
        contractNo: `K${i}`,
        category: c.category,
        amount: c.amount,
        seller: { ref: c.seller, kind: c.sellerKind },
        buyer: { ref: c.buyer, kind: "enterprise", sme: c.sme },
        ...(c.intermediary ? { intermediary: c.intermediary } : {}),
        inCityTransformation: c.inCity,
        registeredOn: day(c.year, c.d),
      };
      const cancel = {
        type: "tech-contract.cancelled",
        id: `x${i}`,
        data: { contractNo: `K${i}`, cancelledOn: "2026-01-05" },
      };
      return [{ type: "tech-contract.registered", id: `k${i}`, data }, ...(c.cancelled ? [cancel] : [])];
    });

const voucher = (i: number) =>
  fc
    .record({
      holder: fc.constantFrom("E1", "T1"),
      type: fc.constantFrom("testing", "compute"),
      spend: money,
      year,
      d: fc.nat(400),
    })
    .map((v): ScenarioEvent[] => [
      {
        type: "voucher.redeemed",
        id: `v${i}`,
        data: {
          voucherId: `V${i}`,
          holder: { ref: v.holder, kind: v.holder.startsWith("E") ? "sme" : "team" },
          voucherType: v.type,
          eligibleSpend: v.spend,
          redeemedOn: day(v.year, v.d),
        },
      },
    ]);

/** Replacing facts: distinct times, so the latest stands whatever the delivery order. */
const rdFigures = (i: number) =>
  fc
    .array(fc.record({ category: fc.constantFrom("tech-sme", "hte", "ic"), expense: money }), {
      minLength: 1,
      maxLength: 3,
    })
    .map((figures) =>
      figures.map(
        (f, n): ScenarioEvent => ({
          type: "rd.expense.verified",
          id: `rd${i}-${n}`,
          time: `2025-0${n + 1}-01T09:${String(i).padStart(2, "0")}:00+08:00`,
          data: {
            enterprise: `E${i % 3}`,
            fiscalYear: 2023 + (i % 3),
            category: f.category,
            rdExpense: f.expense,
            superDeduction: f.expense,
          },
        }),
      ),
    );

const targets = (i: number) =>
  fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 }).map((values) =>
    values.map(
      (target, n): ScenarioEvent => ({
        type: "district.target.set",
        id: `t${i}-${n}`,
        time: `2024-0${n + 1}-01T09:${String(i).padStart(2, "0")}:00+08:00`,
        data: { district: districts[i % districts.length], year: 2023 + (i % 3), target },
      }),
    ),
  );

const loan = (i: number) =>
  fc
    .record({
      principal: fc.integer({ min: 100, max: 10_000_000 }),
      npp: fc.nat(100),
      recovered: fc.nat(100),
      filed: fc.nat(400),
      year,
    })
    .map((l): ScenarioEvent[] => {
      const npp = Math.floor((l.principal * l.npp) / 100);
      const recovered = Math.floor((npp * l.recovered) / 100);
      return [
        {
          type: "loan.filed",
          id: `lf${i}`,
          data: {
            loanId: `L${i}`,
            bank: "B1",
            borrower: "E1",
            principal: String(l.principal),
            filedOn: day(l.year, l.filed),
          },
        },
        {
          type: "loan.defaulted",
          id: `ld${i}`,
          data: { loanId: `L${i}`, nonPerformingPrincipal: String(npp), confirmedOn: "2026-01-05" },
        },
        {
          type: "loan.recovered",
          id: `lr${i}`,
          data: { loanId: `L${i}`, recovered: String(recovered), recoveredOn: "2026-01-06" },
        },
      ];
    });

const family = (i: number) =>
  fc.oneof(certificate(i), contract(i), voucher(i), rdFigures(i), targets(i), loan(i));
const stream = fc
  .integer({ min: 1, max: 40 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => family(i))).map((fs) => fs.flat()));

/** A stream as delivered: shuffled, some messages twice, some resent under a new id. */
const delivered = stream.chain((events) =>
  fc.tuple(
    fc.constant(events),
    fc.shuffledSubarray(
      events.flatMap((e, i) => [
        { e, i, copy: 0 },
        { e, i, copy: 1 },
        { e: { ...e, id: `${e.id}-resent` }, i, copy: 2 },
      ]),
      { minLength: events.length * 3, maxLength: events.length * 3 },
    ),
    fc.array(fc.boolean(), { minLength: events.length * 3, maxLength: events.length * 3 }),
  ),
);

function totals(lines: string[]) {
  const result = simulate(lines, city, () => RECEIVED);
  const sums = new Map<string, bigint>();
  for (const m of result.messages as PayoutMessage[]) {
    const key = `${m.program}|${m.beneficiary.kind}:${m.beneficiary.id}|${m.period}`;
    sums.set(key, (sums.get(key) ?? 0n) + BigInt(m.amountFen));
  }
  for (const [key, sum] of sums) if (sum === 0n) sums.delete(key);
  return { sums, result };
}

/** When the replay's queue accepted every line: after any time the generators write (future-time). */
const RECEIVED = "2099-12-31T00:00:00.000Z";

describe("properties of a conflict-free stream (fast-check)", () => {
  test("any order and duplication settles to the same totals", () => {
    let streamsThatPaid = 0;
    fc.assert(
      fc.property(delivered, ([events, shuffled, keep]) => {
        const inOrder = totals(events.map((e, i) => toLine(e, i, "jinan")));
        // Each delivery keeps its original's position for the default time, so copies are exact duplicates.
        const deliveries = shuffled.filter((d, n) => d.copy === 0 || keep[n]);
        const mixed = totals(deliveries.map((d) => toLine(d.e, d.i, "jinan")));
        expect(inOrder.result.rejections).toEqual([]);
        expect(mixed.result.rejections).toEqual([]);
        expect(mixed.sums).toEqual(inOrder.sums);
        if (inOrder.sums.size > 0) streamsThatPaid++;
      }),
      { seed: SEED, numRuns: RUNS },
    );
    // The property means something only if most generated streams pay somebody.
    expect(streamsThatPaid).toBeGreaterThan(RUNS / 2);
    // A ceiling for a loaded machine (two suites side by side took it past 60 s), not a measure.
  }, 240_000);

  test("no unit exceeds its cap and no entitlement is negative", () => {
    fc.assert(
      fc.property(delivered, ([, shuffled]) => {
        const { result } = totals(shuffled.map((d) => toLine(d.e, d.i, "jinan")));
        for (const item of result.items.values()) {
          if (item.entity !== "unit") continue;
          const unit = item as UnitItem;
          const program = city.program(unit.policyVersion, unit.programId);
          const cap =
            unit.capFen ??
            (program && "capYuan" in program && typeof program.capYuan === "bigint"
              ? program.capYuan
              : undefined);
          for (const paid of Object.values(unit.paidFen)) {
            expect(paid).toBeGreaterThanOrEqual(0n);
            if (cap !== undefined) expect(paid).toBeLessThanOrEqual(cap);
          }
        }
      }),
      { seed: SEED + 1, numRuns: RUNS },
    );
  });
});

describe("a waiting fact whose (source, id) another accepted message claims (fast-check)", () => {
  // The revocation's certificate never comes; the same registry's grant of another certificate is
  // accepted under the same (source, id): one source is one publisher (events.md § Publishers).
  const waiting: ScenarioEvent = {
    type: "hte.certification.revoked",
    id: "m1",
    data: { certificateNo: "GR-NEVER", revokedOn: "2024-06-01", reason: "撤销" },
  };
  const claimant: ScenarioEvent = {
    type: "hte.certification.granted",
    id: "m1",
    data: {
      certificateNo: "GR9",
      enterprise: "E1",
      kind: "renewal",
      scale: "above",
      district: "370102",
      issuedOn: "2024-05-10",
    },
  };
  const deliveries = fc
    .tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }))
    .chain(([w, c]) =>
      fc.shuffledSubarray([...Array(w).fill(waiting), ...Array(c).fill(claimant)], { minLength: w + c }),
    );

  test("every delivery order, with redelivery, dead-letters it and pays the claimant once", () => {
    fc.assert(
      fc.property(deliveries, (events) => {
        const lines = events.map((e) => toLine(e, events.indexOf(e), "jinan"));
        const result = simulate(lines, city, () => RECEIVED);
        expect(result.rejections).toEqual([]);
        expect(result.deadLetters.map((d) => [d.type, d.id])).toEqual(
          events.filter((e) => e === waiting).map(() => ["hte.certification.revoked", "m1"]),
        );
        expect((result.messages as PayoutMessage[]).map((m) => [m.program, m.amount])).toEqual([
          ["hte-renewal-award", "100000.00"],
        ]);
      }),
      { seed: SEED + 2, numRuns: RUNS },
    );
  });
});

/** One to four funders whose shares (basis points, each at least 1) sum to 10,000: cuts of the whole. */
const funders = fc
  .uniqueArray(fc.integer({ min: 1, max: 9_999 }), { minLength: 0, maxLength: 3 })
  .map((cuts): Funders => {
    const points = [0, ...cuts.sort((a, b) => a - b), 10_000];
    return points.slice(1).map((point, i) => ({
      funder: `f${i}`,
      name: `funder ${i}`,
      shareBasisPoints: point - (points[i] ?? 0),
    }));
  });
/** Entitlements as a unit goes through them: one-fen amounts as often as large ones, up and down. */
const entitlement = fc.oneof(fc.bigInt({ min: 0n, max: 3n }), fc.bigInt({ min: 0n, max: 4_000_000_00n }));
const sumOf = (fen: Iterable<bigint>) => [...fen].reduce((a, b) => a + b, 0n);
/** |line − share × difference| in fen, times 10,000 to stay in integers. */
const deviation = (lineFen: bigint, differenceFen: bigint, shareBasisPoints: number) => {
  const d = lineFen * 10_000n - differenceFen * BigInt(shareBasisPoints);
  return d < 0n ? -d : d;
};

describe("funders: the entitlement split by largest remainder (fast-check)", () => {
  test("a split sums to the amount, each funder within a fen of its share", () => {
    fc.assert(
      fc.property(entitlement, funders, (amountFen, shares) => {
        const split = splitFen(amountFen, shares);
        expect(sumOf(split.values())).toBe(amountFen);
        expect([...split.keys()]).toEqual(shares.map((f) => f.funder));
        for (const f of shares)
          expect(deviation(split.get(f.funder) ?? 0n, amountFen, f.shareBasisPoints) < 10_000n).toBe(true);
      }),
      { seed: SEED + 2, numRuns: RUNS * 20 },
    );
  });

  test("over corrections up and down, lines sum to each payout and funder totals to the split entitlement", () => {
    fc.assert(
      fc.property(fc.array(entitlement, { minLength: 1, maxLength: 8 }), funders, (entitlements, shares) => {
        const paid = new Map(shares.map((f) => [f.funder, 0n]));
        let previousFen = 0n;
        for (const entitledFen of entitlements) {
          const lines = funderLines(previousFen, entitledFen, shares);
          expect(sumOf(lines.values())).toBe(entitledFen - previousFen);
          for (const f of shares) {
            const line = lines.get(f.funder) ?? 0n;
            // Two splits each within a fen: the line is within two fen (strictly) of its share of the payout.
            expect(deviation(line, entitledFen - previousFen, f.shareBasisPoints) < 20_000n).toBe(true);
            paid.set(f.funder, (paid.get(f.funder) ?? 0n) + line);
          }
          previousFen = entitledFen;
        }
        expect(paid).toEqual(splitFen(previousFen, shares));
      }),
      { seed: SEED + 3, numRuns: RUNS * 20 },
    );
  });

  test("through the core, in any delivery order: every payout's lines sum to it, funders to their split", () => {
    const raw = readFileSync(join(CITIES_DIR, "jinan.json"), "utf8");
    let linesSeen = 0;
    fc.assert(
      fc.property(delivered, funders, ([, shuffled], shares) => {
        const file = JSON.parse(raw);
        for (const program of file.policyVersions[0].programs) program.funders = shares;
        const funded = parseCityConfig(file, "jinan.json (every program funded)");
        const result = simulate(
          shuffled.map((d) => toLine(d.e, d.i, "jinan")),
          funded,
          () => RECEIVED,
        );
        const byIdentity = new Map<string, Map<string, bigint>>();
        const add = (key: string, funder: string, fen: bigint) => {
          const sums = byIdentity.get(key) ?? new Map(shares.map((f) => [f.funder, 0n]));
          sums.set(funder, (sums.get(funder) ?? 0n) + fen);
          byIdentity.set(key, sums);
        };
        for (const m of result.messages) {
          if (m.kind === "release") continue;
          expect(m.funders?.map((f) => f.funder)).toEqual(shares.map((f) => f.funder));
          expect(sumOf((m.funders ?? []).map((f) => BigInt(f.amountFen)))).toBe(BigInt(m.amountFen));
          const key = `${m.program}|${m.policyVersion}|${m.beneficiary.kind}:${m.beneficiary.id}|${m.period}`;
          for (const f of m.funders ?? []) add(key, f.funder, BigInt(f.amountFen));
          linesSeen += m.funders?.length ?? 0;
        }
        // What each funder has paid is its split of each unit's entitlement as it stands, summed per payout identity.
        const expected = new Map<string, Map<string, bigint>>();
        for (const item of result.items.values()) {
          if (item.entity !== "unit") continue;
          const unit = item as UnitItem;
          for (const [period, fen] of Object.entries(unit.paidFen)) {
            const key = `${unit.programId}|${unit.policyVersion}|${unit.beneficiary.kind}:${unit.beneficiary.id}|${period}`;
            const sums = expected.get(key) ?? new Map(shares.map((f) => [f.funder, 0n]));
            for (const [funder, part] of splitFen(fen, shares))
              sums.set(funder, (sums.get(funder) ?? 0n) + part);
            expected.set(key, sums);
          }
        }
        for (const [key, sums] of byIdentity)
          expect(sums, key).toEqual(expected.get(key) ?? new Map(shares.map((f) => [f.funder, 0n])));
        for (const [key, sums] of expected) expect(byIdentity.get(key), key).toEqual(sums);
      }),
      { seed: SEED + 4, numRuns: Math.max(1, Math.floor(RUNS / 2)) },
    );
    expect(linesSeen).toBeGreaterThan(0);
  });
});

/** A payout's funder lines as units produce them (negative ones included): an entitlement moving once. */
const payoutLines = fc
  .tuple(entitlement, entitlement, funders)
  .filter(([before, after]) => after > before)
  .map(([before, after, shares]) => ({
    shares,
    lines: funderLines(before, after, shares),
    fen: after - before,
  }));

describe("funders on payment instructions (fast-check)", () => {
  test("a line's amount split over its payout's lines sums to it, each funder within a fen of its weight", () => {
    fc.assert(
      fc.property(payoutLines, fc.bigInt({ min: 1n, max: 1n << 40n }), ({ shares, lines, fen }, pick) => {
        // Any amount a line can be left with after reductions and netting: one fen up to the whole payout.
        const amountFen = 1n + (pick % fen);
        const split = splitOver(amountFen, lines);
        expect(sumOf(split.values())).toBe(amountFen);
        expect([...split.keys()]).toEqual(shares.map((f) => f.funder));
        for (const [funder, weight] of lines) {
          const d = (split.get(funder) ?? 0n) * fen - amountFen * weight;
          expect((d < 0n ? -d : d) < fen).toBe(true);
        }
        expect(splitOver(fen, lines)).toEqual(lines);
      }),
      { seed: SEED + 5, numRuns: RUNS * 20 },
    );
  });

  test("through the lifecycle, every instruction's funder lines sum to it: budgets by funder, netting, one-fen and three-way splits", () => {
    const raw = readFileSync(join(CITIES_DIR, "chongqing.json"), "utf8");
    const rd = fc.record({
      enterprise: fc.constantFrom("E1", "E2", "E3"),
      fiscalYear: fc.constantFrom(2018, 2019),
      // 2 % of a few fen to a few yuan pays 0.00 to 0.06; of millions, up to the 1,500,000.00 cap.
      fen: fc.oneof(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 8_000_000_000 })),
    });
    let instructed = 0;
    let released = 0;
    fc.assert(
      fc.property(
        funders.filter((s) => s.length >= 2),
        fc.array(rd, { minLength: 1, maxLength: 6 }),
        fc.array(rd, { minLength: 0, maxLength: 6 }),
        (shares, first, second) => {
          const file = JSON.parse(raw);
          const program = file.policyVersions[0].programs.find((p: { id: string }) => p.id === "rd-subsidy");
          program.funders = shares;
          // Each funder budgets 600,000.00 a year, so large subsidies wait for some funder's allocation.
          const each = Object.fromEntries(shares.map((f) => [f.funder, "600000"]));
          program.budgetsYuan = { "2018": each, "2019": each };
          const funded = parseCityConfig(file, "chongqing.json (rd-subsidy funded by random shares)");
          const run = runLifecycle({ name: "funders", events: fundedStream(shares, first, second) }, funded);
          expect(run.unbalanced).toEqual([]);
          released += run.result.messages.filter((m) => m.kind === "release").length;
          for (const item of run.result.lifecycle)
            for (const m of item.messages) {
              if (m.kind !== "payment-instruction") continue;
              instructed++;
              expect(m.funders?.map((f) => f.funder)).toEqual(shares.map((f) => f.funder));
              expect(sumOf((m.funders ?? []).map((f) => BigInt(f.amountFen)))).toBe(BigInt(m.amountFen));
              for (const f of m.funders ?? []) expect(f.amount).toBe(fenToYuan(BigInt(f.amountFen)));
            }
          for (const item of run.result.items.values()) {
            if (item.entity !== "budget") continue;
            const budget = item as BudgetItem;
            for (const field of ["allocatedFen", "committedFen", "heldFen"] as const)
              expect(sumOf((budget.funders ?? []).map((f) => f[field]))).toBe(budget[field]);
          }
        },
      ),
      { seed: SEED + 6, numRuns: Math.max(1, Math.floor(RUNS / 3)) },
    );
    // The runs reached what they are for: instructions, and payouts held by a funder's budget and released.
    expect(instructed).toBeGreaterThan(0);
    expect(released).toBeGreaterThan(0);
  });
});

/**
 * A lifecycle stream for Chongqing's rd-subsidy: payees on file, a first round of verified R&D expense,
 * closed and approved; a second round (corrections up and down: clawbacks, receivables, netting), closed
 * and approved; then every funder allocates enough to release whatever is held.
 */
function fundedStream(
  shares: Funders,
  first: { enterprise: string; fiscalYear: number; fen: number }[],
  second: { enterprise: string; fiscalYear: number; fen: number }[],
): ScenarioEvent[] {
  const staff = (type: string, data: Record<string, unknown>): ScenarioEvent => ({
    type,
    source: "staff/workbench",
    data: { ...data, actor: type === "batch.closed" ? "preparer" : "approver" },
  });
  const verified = (round: number, day: string) => (r: (typeof first)[number], i: number) => ({
    type: "rd.expense.verified",
    id: `rd-${round}-${i}`,
    time: `${day}T10:${String(i).padStart(2, "0")}:00+08:00`,
    data: {
      enterprise: r.enterprise,
      fiscalYear: r.fiscalYear,
      category: "hte",
      rdExpense: `${Math.floor(r.fen / 100)}.${String(r.fen % 100).padStart(2, "0")}`,
    },
  });
  const batches = (seqs: number[], type: string) =>
    [2018, 2019].flatMap((year) => seqs.map((seq) => staff(type, { batchId: `rd-subsidy-${year}-${seq}` })));
  return [
    { type: "clock.day", data: { date: "2019-03-01" } },
    ...["E1", "E2", "E3"].map((who) => ({
      type: "payee.confirmed",
      source: "portal/payee",
      data: { beneficiary: { ref: who }, accountRef: `ACCT-${who}`, confirmedOn: "2019-03-01" },
    })),
    ...first.map(verified(1, "2019-03-01")),
    { type: "clock.day", data: { date: "2019-03-04" } },
    ...batches([1], "batch.closed"),
    { type: "clock.day", data: { date: "2019-03-12" } },
    ...batches([1], "batch.approved"),
    { type: "clock.day", data: { date: "2019-03-14" } },
    ...second.map(verified(2, "2019-03-14")),
    { type: "clock.day", data: { date: "2019-03-15" } },
    // Whichever is open: an empty or unknown batch is refused and changes nothing.
    ...batches([1, 2], "batch.closed"),
    { type: "clock.day", data: { date: "2019-03-25" } },
    ...batches([1, 2], "batch.approved"),
    ...[2018, 2019].flatMap((period) =>
      shares.map((f) =>
        staff("budget.allocated", {
          allocationId: `ALLOC-${period}-${f.funder.toUpperCase()}`,
          policyVersion: "chongqing-2017",
          program: "rd-subsidy",
          period,
          amount: "100000000",
          funder: f.funder,
        }),
      ),
    ),
  ];
}
