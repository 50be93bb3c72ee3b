/**
 * `compare` against what it claims to be: two separate `simulate` runs, to the fen, over random reforms of
 * the Jinan file; the example reform on the sample; where a row is counted; the CSV's rows.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { comparisonCsv } from "../../reports/csv";
import { formatComparison } from "../../reports/terminal";
import { fenToGroupedYuan } from "../../shared/money";
import { parseCityConfig } from "../../shared/policy/city";
import { readCity, readCityFile } from "../../shared/policy/files";
import { compare, differenceFen } from "../../shared/simulate/compare";
import { ReformMismatchError } from "../../shared/simulate/errors";
import { decodeStream } from "../../shared/simulate/lines";
import { simulate } from "../../shared/simulate/simulate";
import { summarise } from "../../shared/simulate/summary";
import { usccFor } from "../support/parties";
import { toLine } from "../support/scenarios";

const root = join(import.meta.dirname, "../..");
const jinan = readCity("jinan");
/** The Jinan file as written (yuan strings), which random reforms are made from. */
const jinanFile = JSON.parse(readFileSync(join(root, "cities/jinan.json"), "utf8")) as CityJson;
const sample = decodeStream(readFileSync(join(root, "examples/jinan-2024.ndjson")));
const floor = readCityFile(join(root, "examples/reforms/jinan-floor.json"));
// A fixed clock makes the two sides' messages comparable (computedAt); it is also when the queue took
// every line, so it lies after every time in the sample (future-time).
const clock = () => "2099-12-31T00:00:00Z";

const SEED = Number(process.env.PROPERTY_SEED ?? Date.now() % 1_000_000);
const RUNS = Number(process.env.PROPERTY_RUNS ?? 4);
console.log(`compare: seed ${SEED} (PROPERTY_SEED=${SEED} replays), ${RUNS} runs`);

/** Σ net fen per program of one simulate run, as `simulate` prints it. */
function programTotals(city = jinan) {
  const result = simulate(sample, city, clock);
  const programs = summarise(result.messages, result.rejections, result.deadLetters).programs;
  return { result, fen: new Map([...programs].map(([program, t]) => [program, t.netFen])) };
}

describe("compare equals two separate simulate runs", () => {
  const baseline = programTotals();

  test("over random reforms of the Jinan file: every program and the total, to the fen", () => {
    fc.assert(
      fc.property(reformOf(jinanFile), (file) => {
        const reform = parseCityConfig(file, "random reform");
        const alone = programTotals(reform);
        const c = compare(sample, jinan, reform, clock);
        for (const [side, run] of [
          ["baselineFen", baseline],
          ["reformFen", alone],
        ] as const) {
          const byProgram = new Map([...c.programs].map(([p, pair]) => [p, pair[side]]));
          const programs = new Set([...byProgram.keys(), ...run.fen.keys()]);
          for (const p of programs) expect(byProgram.get(p) ?? 0n, `${side} ${p}`).toBe(run.fen.get(p) ?? 0n);
          const total = [...run.fen.values()].reduce((a, b) => a + b, 0n);
          expect(c.total[side], side).toBe(total);
        }
        // Parsed once and decided twice is the same as parsed and decided twice: message for message.
        expect(c.reform.messages).toEqual(alone.result.messages);
        expect(c.reform.outcomes).toEqual(alone.result.outcomes);
        expect(c.baseline.messages).toEqual(baseline.result.messages);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

describe("the example reform on the sample", () => {
  const c = compare(sample, jinan, floor, clock);

  test("moves the total from 248,383,615.70 to 209,163,929.55 and changes 230 of 582 beneficiaries", () => {
    expect(fenToGroupedYuan(c.total.baselineFen)).toBe("248,383,615.70");
    expect(fenToGroupedYuan(c.total.reformFen)).toBe("209,163,929.55");
    expect({ changed: c.changed, of: c.beneficiaries.length, winners: c.winners, losers: c.losers }).toEqual({
      changed: 230,
      of: 582,
      winners: 0,
      losers: 230,
    });
    // Only the two programs the reform touches change.
    const changed = [...c.programs].filter(([, pair]) => differenceFen(pair) !== 0n);
    expect(changed.map(([p, pair]) => [p, fenToGroupedYuan(differenceFen(pair))])).toEqual([
      ["hte-first-award", "-21,700,000.00"],
      ["rd-subsidy", "-17,519,686.15"],
    ]);
    expect({ gained: c.gained.length, lost: c.lost.length }).toEqual({ gained: 0, lost: 0 });
  });

  test("the districts and the beneficiaries add up to the total", () => {
    const sum = (pairs: Iterable<{ baselineFen: bigint; reformFen: bigint }>) =>
      [...pairs].reduce((a, p) => ({ b: a.b + p.baselineFen, r: a.r + p.reformFen }), { b: 0n, r: 0n });
    const total = { b: c.total.baselineFen, r: c.total.reformFen };
    expect(sum(c.districts.values())).toEqual(total);
    expect(sum(c.beneficiaries)).toEqual(total);
    expect(formatComparison(c)).toMatch(/total +248,383,615\.70 +209,163,929\.55 +-39,219,686\.15/);
  });

  test("the CSV has one row per beneficiary, program and period with both amounts, exactly", () => {
    const csv = comparisonCsv(c);
    expect(csv.startsWith("\uFEFFbeneficiary_kind,beneficiary_id,beneficiary_name,program,period,")).toBe(
      true,
    );
    const lines = csv.slice(1).trimEnd().split("\r\n").slice(1);
    expect(lines).toHaveLength(c.rows.length);
    const keys = new Set(lines.map((line) => line.split(",").slice(0, 5).join(",")));
    expect(keys.size).toBe(lines.length);
    let difference = 0n;
    for (const line of lines) {
      const cells = line.split(",");
      const [baseline, reform, diff] = cells.slice(6, 9).map(BigInt) as [bigint, bigint, bigint];
      expect(diff).toBe(reform - baseline);
      expect(cells.slice(9)).toEqual(
        [baseline, reform, diff].map((f) => fenToGroupedYuan(f).replaceAll(",", "")),
      );
      difference += diff;
    }
    expect(difference).toBe(differenceFen(c.total));
  });
});

describe("where a row is counted", () => {
  const events = [
    // A certification names its district: 历城区, though E1's USCC was issued in 历下区 (370102).
    { type: "hte.certification.granted", data: certificate("GR1", "370112") },
    // An R&D verification names none: the USCC's characters 3–8.
    {
      type: "rd.expense.verified",
      data: { enterprise: "E1", fiscalYear: 2024, category: "hte", rdExpense: "8000000" },
    },
  ].map((e, i) => toLine(e, i, "jinan"));

  test("the fact's district where it has one, otherwise the division code in the USCC", () => {
    const c = compare(events, jinan, floor, clock);
    expect(usccFor("E1").slice(2, 8)).toBe("370102");
    expect(c.rows.map((r) => [r.program, r.district, r.baselineFen, r.reformFen])).toEqual([
      ["hte-first-award", "370112", 30_000_000n, 20_000_000n],
      ["rd-subsidy", "370102", 20_000_000n, 20_000_000n],
    ]);
  });

  test("a reform for another city, or with other districts, is refused", () => {
    const chongqing = readCity("chongqing");
    expect(() => compare(events, jinan, chongqing, clock)).toThrow(ReformMismatchError);
    const fewer = parseCityConfig({ ...jinanFile, districts: jinanFile.districts.slice(1) }, "fewer");
    expect(() => compare(events, jinan, fewer, clock)).toThrow(/other districts/);
  });
});

function certificate(certificateNo: string, district: string) {
  return { certificateNo, enterprise: "E1", kind: "first", scale: "above", district, issuedOn: "2024-05-06" };
}

const yuan = fc
  .integer({ min: 1, max: 10_000_000_00 })
  .map((fen) => `${(fen - (fen % 100)) / 100}${fen % 100 ? `.${String(fen % 100).padStart(2, "0")}` : ""}`);

/**
 * A random reform of a city file: any amount (a `…Yuan` value) and any rate in basis points redrawn, some
 * programs dropped, one copied under a new id with its own numbers, and the in-force window moved.
 */
interface CityJson {
  districts: unknown[];
  policyVersions: { programs: { id: string }[] }[];
}

function reformOf(file: CityJson): fc.Arbitrary<unknown> {
  const [version] = file.policyVersions;
  if (!version) throw new Error("the city file has no policy version");
  const programs = version.programs.map((program) =>
    fc.record({ keep: fc.boolean(), numbers: redrawn(program) }).map((p) => (p.keep ? [p.numbers] : [])),
  );
  const window = fc
    .record({ from: fc.integer({ min: 2022, max: 2025 }), years: fc.integer({ min: 0, max: 3 }) })
    .map(({ from, years }) => ({ from: `${from}-01-01`, to: `${from + years}-12-31` }));
  return fc
    .record({ kept: fc.tuple(...programs), extra: fc.constantFrom(...version.programs), window })
    .chain(({ kept, extra, window }) =>
      redrawn(extra).map((copy) => {
        const chosen = [...kept.flat(), { ...(copy as object), id: `${extra.id}-extra` }];
        return { ...file, policyVersions: [{ ...version, inForce: window, programs: chosen }] };
      }),
    );
}

/** The value with every string under a `…Yuan` key and every `basisPoints` number redrawn. */
function redrawn(value: unknown, key = "", inYuan = false): fc.Arbitrary<unknown> {
  const yuanHere = inYuan || key.endsWith("Yuan");
  if (typeof value === "string" && yuanHere && key !== "by") return yuan;
  if (typeof value === "number" && /basisPoints$/i.test(key)) return fc.integer({ min: 0, max: 10_000 });
  if (Array.isArray(value)) return fc.tuple(...value.map((v) => redrawn(v, key, yuanHere)));
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).map(([k, v]) =>
      redrawn(v, k, yuanHere).map((r) => [k, r] as const),
    );
    return fc.tuple(...entries).map((pairs) => Object.fromEntries(pairs));
  }
  return fc.constant(value);
}
