import { fenToYuan } from "../../shared/money";
import { yuan } from "../amounts";
import { addDays, dateBetween, dateIn, isoDate, publishedAfter } from "../calendar";
import { CARRIERS, type Carrier, type Level } from "../catalogue";
import type { SpecialCase } from "../draft";
import { emit, type Rating } from "../events";
import type { Check, Context } from "./context";

type CarrierName = keyof typeof CARRIERS;

/** Accreditations: [carrier, level, year]. National ones pay by kind; others pay nothing. */
const ACCREDITATIONS: readonly (readonly [CarrierName, Level, number])[] = [
  ["qiluSoftware", "national", 2023],
  ["quanchengSpace", "national", 2024],
  ["sduPark", "national", 2024],
  ["hitechStartup", "provincial", 2023],
  ["hitechStartup", "national", 2024],
  ["innovationValley", "national", 2025],
  ["ujnPark", "national", 2022],
  ["lixiaCbd", "national", 2026],
  ["aiIncubator", "provincial", 2024],
  ["biomed", "provincial", 2023],
  ["qluPark", "provincial", 2025],
  ["tianqiao", "municipal", 2022],
  ["tangye", "municipal", 2023],
  ["huaiyin", "municipal", 2023],
  ["shizhong", "municipal", 2023],
  ["mingshui", "municipal", 2024],
  ["laiwu", "municipal", 2024],
  ["changqing", "municipal", 2024],
  ["gangcheng", "municipal", 2025],
  ["jiyang", "municipal", 2025],
];

const NATIONAL_AWARD = {
  incubator: 1_000_000,
  makerspace: 800_000,
  "university-science-park": 2_000_000,
} as const;

/**
 * Annual evaluations: [carrier, level, year, rating, re-rating]. A re-rating is a later message for the
 * same carrier and year. Carriers without a designed history get random ratings.
 */
const EVALUATIONS: readonly (readonly [CarrierName, Level, number, Rating, Rating?])[] = [
  ["tangye", "municipal", 2023, "excellent"],
  ["tangye", "municipal", 2024, "excellent"],
  ["tangye", "municipal", 2025, "good"],
  ["tianqiao", "municipal", 2022, "excellent"],
  ["tianqiao", "municipal", 2023, "good"],
  ["tianqiao", "municipal", 2024, "excellent"],
  ["tianqiao", "municipal", 2025, "pass"],
  ["shizhong", "municipal", 2023, "pass"],
  ["shizhong", "municipal", 2024, "good", "excellent"],
  ["shizhong", "municipal", 2025, "good"],
  ["huaiyin", "municipal", 2023, "good"],
  ["huaiyin", "municipal", 2024, "excellent", "pass"],
  ["huaiyin", "municipal", 2025, "good"],
  ["gangcheng", "municipal", 2025, "excellent"],
  ["biomed", "provincial", 2024, "excellent"],
  ["qiluSoftware", "national", 2024, "excellent"],
];
const RANDOMLY_RATED: readonly CarrierName[] = ["mingshui", "laiwu", "changqing", "jiyang"];

/** Carrier accreditations and evaluations: a fixed, designed set (their keys are few). */
export class Carriers {
  readonly checks: Check[] = [];
  readonly #ctx: Context;

  constructor(ctx: Context) {
    this.#ctx = ctx;
  }

  designed(): void {
    for (const [name, level, year] of ACCREDITATIONS) this.#accredit(CARRIERS[name], level, year);
    for (const [name, level, year, rating, rerating] of EVALUATIONS) {
      this.#evaluate(CARRIERS[name], level, year, rating, rerating);
    }
    const { rng } = this.#ctx;
    for (const name of RANDOMLY_RATED) {
      const since = ACCREDITATIONS.find(([n]) => n === name)?.[2] ?? 2023;
      for (let year = since; year <= 2025; year++) {
        const rating = rng.weighted<Rating>([
          ["good", 45],
          ["pass", 35],
          ["fail", 8],
          ["excellent", 12],
        ]);
        this.#evaluate(CARRIERS[name], "municipal", year, rating);
      }
    }
    this.checks.push(
      `carrier-national-award: incubator ${fenToYuan(yuan(NATIONAL_AWARD.incubator))}, makerspace ` +
        `${fenToYuan(yuan(NATIONAL_AWARD.makerspace))}, university-science-park ` +
        `${fenToYuan(yuan(NATIONAL_AWARD["university-science-park"]))} (2022 and 2026 accreditations pay nothing)`,
      "carrier-municipal-excellent: licheng-tangye excellent 2023 and 2024 (paid once, 2023); tianqiao excellent 2022 " +
        "(outside) and 2024 (paid 2024); shizhong good→excellent 2024 (paid); huaiyin excellent→pass 2024 (clawed back)",
    );
  }

  #accredit(carrier: Carrier, level: Level, year: number): void {
    const { rng, book } = this.#ctx;
    const accreditedOn = dateIn(rng, year);
    emit(
      book,
      "carrier.accredited",
      { carrier: { id: carrier.id, name: carrier.name }, level, kind: carrier.kind, accreditedOn },
      { time: publishedAfter(rng, accreditedOn, 2, 15) },
    );
  }

  /** Evaluations for year Y come out in spring of Y+1; a re-rating follows a few weeks later. */
  #evaluate(carrier: Carrier, level: Level, year: number, rating: Rating, rerating?: Rating): void {
    const { rng, book } = this.#ctx;
    const publishedOn = dateBetween(rng, isoDate(year + 1, 3, 1), isoDate(year + 1, 4, 30));
    const send = (value: Rating, on: string, cases: readonly SpecialCase[]): void => {
      emit(
        book,
        "carrier.evaluated",
        { carrier: { id: carrier.id, name: carrier.name }, level, kind: carrier.kind, year, rating: value },
        { time: publishedAfter(rng, on, 0, 0), cases },
      );
    };
    send(rating, publishedOn, []);
    if (rerating) send(rerating, addDays(publishedOn, rng.int(30, 80)), ["carrier-rerated"]);
  }
}
