import { dateIn, publishedAfter } from "../calendar";
import type { CentreAccredited } from "../events";
import { emit } from "../events";
import { type Enterprise, ref } from "../parties";
import { type Check, type Context, FACT_YEARS, type Scalable } from "./context";

type Level = CentreAccredited["level"];

/** Technology innovation centres (技术创新中心) accredited at national or provincial level. */
export class Centres implements Scalable {
  readonly checks: Check[] = [];
  readonly #ctx: Context;
  /** (uscc, level) already accredited: a centre is accredited once per level. */
  readonly #keys = new Set<string>();

  constructor(ctx: Context) {
    this.#ctx = ctx;
  }

  designed(): void {
    const { parties } = this.#ctx;
    this.accredit(parties.existing(), "national", 2023);
    this.accredit(parties.existing(), "national", 2024);
    const both = parties.existing();
    this.accredit(both, "provincial", 2023);
    this.accredit(both, "national", 2025);
    this.checks.push(
      `innovation centre: ${both.uscc} provincial 2023 then national 2025 (each level paid once)`,
    );
    for (const year of [2024, 2024, 2025]) this.accredit(parties.existing(), "provincial", year);
    this.accredit(parties.existing(), "provincial", 2022);
    this.accredit(parties.existing(), "national", 2026);
  }

  background(n: number): void {
    const { rng, parties } = this.#ctx;
    for (let i = 0; i < n; i++) {
      this.accredit(parties.fresh(), rng.chance(0.08) ? "national" : "provincial", rng.weighted(FACT_YEARS));
    }
  }

  accredit(candidate: Enterprise, level: Level, year: number): void {
    const { rng, book, parties } = this.#ctx;
    const enterprise = this.#keys.has(`${candidate.uscc}|${level}`) ? parties.fresh() : candidate;
    this.#keys.add(`${enterprise.uscc}|${level}`);
    const accreditedOn = dateIn(rng, year);
    emit(
      book,
      "innovation-center.accredited",
      { enterprise: ref(enterprise), level, accreditedOn },
      { time: publishedAfter(rng, accreditedOn, 3, 20) },
    );
  }
}
