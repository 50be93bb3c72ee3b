import { fenToYuan } from "../../shared/money";
import { cappedShare, type Fen, randomYuan, wireYuan, withCents, yuan, yuanText } from "../amounts";
import {
  addDays,
  chinaDateOf,
  dateBetween,
  type Instant,
  type IsoDate,
  isoDate,
  publishedAfter,
} from "../calendar";
import type { Placement, SpecialCase } from "../draft";
import { emit, type Fact, type RdCategory, type RdVerified } from "../events";
import { type Enterprise, ref } from "../parties";
import { type Check, type Context, FACT_YEARS, type Scalable } from "./context";

const CAP = yuan(2_500_000);
const LAST_CORRECTION: IsoDate = "2026-10-30";
const RATE_BP: Record<RdCategory, number> = { "tech-sme": 250, hte: 250, ic: 500 };

interface Figures {
  readonly category: RdCategory;
  readonly rdExpense: Fen;
  /** Absent for tech-sme / hte when the tax data carries none; always present for ic. */
  readonly superDeduction?: Fen;
}

interface SendOptions {
  readonly time?: Instant;
  readonly cases?: readonly SpecialCase[];
  readonly placement?: Placement;
}

type Verified = Fact<"rd.expense.verified">;

/** R&D expense from the tax super-deduction data, published after the annual settlement (汇算清缴). */
export class RdExpenses implements Scalable {
  readonly checks: Check[] = [];
  readonly #ctx: Context;
  readonly #holders: readonly Enterprise[];
  readonly #keys = new Set<string>();

  /** `holders`: certified enterprises (a live list), the natural filers of category `hte`. */
  constructor(ctx: Context, holders: readonly Enterprise[]) {
    this.#ctx = ctx;
    this.#holders = holders;
  }

  designed(): void {
    const { parties, rng } = this.#ctx;
    this.#caps();
    this.#corrections();
    this.#staleCorrection();
    for (const year of [2022, 2022])
      this.send(parties.existing(), year, this.#figures(rng.pick(["tech-sme", "hte"])));
  }

  /** Each category at and over its cap. */
  #caps(): void {
    const { parties } = this.#ctx;
    const designed = (label: string, figures: Figures): void => {
      const enterprise = parties.reserved();
      this.send(enterprise, 2024, figures);
      this.checks.push(`${label}: ${enterprise.uscc} 2024 ${describe(figures)}`);
    };
    designed("rd hte over the cap", { category: "hte", rdExpense: yuan(120_000_000) });
    designed("rd hte exactly at the cap", { category: "hte", rdExpense: yuan(100_000_000) });
    designed("rd ic over the cap", {
      category: "ic",
      rdExpense: yuan(60_000_000),
      superDeduction: yuan(72_000_000),
    });
    designed("rd ic", {
      category: "ic",
      rdExpense: yuanText("18000000.37"),
      superDeduction: yuan(21_600_000),
    });
  }

  /** A figure corrected by a later one for the same year: a new amount, a new category, a clawback. */
  #corrections(): void {
    const { parties } = this.#ctx;
    const corrections: readonly (readonly [string, Figures, Figures])[] = [
      [
        "new figure",
        { category: "tech-sme", rdExpense: yuan(3_200_000) },
        { category: "tech-sme", rdExpense: yuanText("3650000.55") },
      ],
      [
        "category tech-sme→hte",
        { category: "tech-sme", rdExpense: yuan(4_800_000) },
        { category: "hte", rdExpense: yuan(4_800_000) },
      ],
      [
        "category hte→ic",
        { category: "hte", rdExpense: yuan(25_000_000) },
        { category: "ic", rdExpense: yuan(25_000_000), superDeduction: yuan(30_000_000) },
      ],
      [
        "lower figure (clawback)",
        { category: "hte", rdExpense: yuan(9_000_000) },
        { category: "hte", rdExpense: yuan(7_500_000) },
      ],
    ];
    for (const [label, before, after] of corrections) {
      const enterprise = parties.reserved();
      const first = this.send(enterprise, 2024, before);
      this.send(enterprise, 2024, after, {
        time: this.#correctionTime(first.time),
        cases: ["rd-correction"],
      });
      this.checks.push(
        `rd correction, ${label}: ${enterprise.uscc} 2024 ${describe(before)}, then ${describe(after)}`,
      );
    }
  }

  /** The older of two figures for fiscal 2023 is delivered after the newer one: it changes nothing. */
  #staleCorrection(): void {
    const { parties, rng } = this.#ctx;
    const enterprise = parties.reserved();
    const older: Figures = { category: "tech-sme", rdExpense: yuan(5_000_000) };
    const newer: Figures = { category: "tech-sme", rdExpense: yuan(5_400_000) };
    const olderTime = this.#publishTime(2023);
    const standing = this.send(enterprise, 2023, newer, {
      time: this.#correctionTime(olderTime),
      cases: ["rd-correction"],
    });
    this.send(enterprise, 2023, older, {
      time: olderTime,
      cases: ["stale-replacement"],
      placement: { kind: "after", anchor: standing, lines: rng.int(3, 15) },
    });
    this.checks.push(
      `rd stale correction: ${enterprise.uscc} 2023 ${describe(older)} delivered after ${describe(newer)}, which stands`,
    );
  }

  background(n: number): void {
    const { rng } = this.#ctx;
    for (let added = 0; added < n; added++) {
      const category = rng.weighted<RdCategory>([
        ["tech-sme", 55],
        ["hte", 38],
        ["ic", 7],
      ]);
      const year = Math.min(2025, rng.weighted(FACT_YEARS));
      const enterprise = this.#filer(category, year);
      const fact = this.send(enterprise, year, this.#figures(category));
      if (added + 1 < n && rng.chance(0.07)) {
        this.send(enterprise, year, this.#corrected(fact.data), {
          time: this.#correctionTime(fact.time),
          cases: ["rd-correction"],
        });
        added++;
      }
    }
  }

  send(enterprise: Enterprise, fiscalYear: number, figures: Figures, options: SendOptions = {}): Verified {
    const { book } = this.#ctx;
    this.#keys.add(`${enterprise.uscc}|${fiscalYear}`);
    const data: RdVerified = {
      enterprise: ref(enterprise),
      fiscalYear,
      category: figures.category,
      rdExpense: wireYuan(figures.rdExpense),
      ...(figures.superDeduction === undefined ? {} : { superDeduction: wireYuan(figures.superDeduction) }),
    };
    return emit(book, "rd.expense.verified", data, {
      time: options.time ?? this.#publishTime(fiscalYear),
      cases: options.cases,
      placement: options.placement,
    });
  }

  #filer(category: RdCategory, year: number): Enterprise {
    const { rng, parties } = this.#ctx;
    const holders = this.#holders;
    for (let attempt = 0; attempt < 8; attempt++) {
      const candidate = category === "hte" && holders.length > 0 ? rng.pick(holders) : parties.existing();
      if (!this.#keys.has(`${candidate.uscc}|${year}`)) return candidate;
    }
    return parties.fresh();
  }

  #figures(category: RdCategory): Figures {
    const { rng } = this.#ctx;
    const cents = (fen: Fen): Fen => (rng.chance(0.5) ? withCents(rng, fen) : fen);
    if (category === "ic") {
      const rdExpense = cents(randomYuan(rng, 8_000_000, 150_000_000, 1000));
      // Integrated-circuit enterprises deduct 120% of their R&D expense.
      return { category, rdExpense, superDeduction: (rdExpense * 6n) / 5n };
    }
    const rdExpense =
      category === "hte"
        ? cents(randomYuan(rng, 1_500_000, 60_000_000, 100))
        : cents(randomYuan(rng, 200_000, 8_000_000, 100));
    return rng.chance(0.5) ? { category, rdExpense, superDeduction: rdExpense } : { category, rdExpense };
  }

  /** A later figure for the same enterprise and year: up or down by up to a fifth. */
  #corrected(data: RdVerified): Figures {
    const { rng } = this.#ctx;
    const change = (wire: string): Fen => (yuanText(wire) * BigInt(100 + rng.int(-20, 20))) / 100n;
    const rdExpense = change(data.rdExpense);
    if (data.category === "ic") return { category: "ic", rdExpense, superDeduction: (rdExpense * 6n) / 5n };
    return { category: data.category, rdExpense };
  }

  /** Fiscal year Y is verified between June and September of Y+1. */
  #publishTime(fiscalYear: number): Instant {
    const { rng } = this.#ctx;
    return publishedAfter(
      rng,
      dateBetween(rng, isoDate(fiscalYear + 1, 6, 1), isoDate(fiscalYear + 1, 9, 30)),
      0,
      0,
    );
  }

  /** One to four months after the first figure; the tax bureau's last corrections of 2025 come by the end of October 2026. */
  #correctionTime(first: Instant): Instant {
    const { rng } = this.#ctx;
    const on = addDays(chinaDateOf(first), rng.int(30, 120));
    return publishedAfter(rng, on < LAST_CORRECTION ? on : LAST_CORRECTION, 0, 0);
  }
}

function describe(figures: Figures): string {
  const base = figures.category === "ic" ? (figures.superDeduction ?? 0n) : figures.rdExpense;
  const what = figures.category === "ic" ? "superDeduction" : "rdExpense";
  return `${figures.category} ${what} ${fenToYuan(base)} → subsidy ${fenToYuan(cappedShare(base, RATE_BP[figures.category], CAP))}`;
}
