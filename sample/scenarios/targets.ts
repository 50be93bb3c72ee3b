import { fenToYuan } from "../../shared/money";
import { yuan } from "../amounts";
import { dateBetween, isoDate, officeHours } from "../calendar";
import type { DistrictId } from "../catalogue";
import type { SpecialCase } from "../draft";
import { emit, type Fact } from "../events";
import type { Check, Context } from "./context";

/**
 * How a district's target relates to N, its standing first/relocated certificates that year:
 * `replaced` sends a first target early in the year and the standing one later; `stale` delivers the
 * older message after the newer one (it changes nothing).
 */
interface TargetPlan {
  readonly district: DistrictId;
  readonly year: number;
  readonly target: (n: number) => number;
  readonly note: string;
  readonly revision?: "replaced" | "stale";
}

const PER_CERTIFICATE = yuan(50_000);
const BONUS_CAP = yuan(500_000);

/** District targets of new high-tech enterprises, set once the certifications are known. */
export class Targets {
  readonly checks: Check[] = [];
  readonly #ctx: Context;
  readonly #plans: TargetPlan[];

  constructor(ctx: Context) {
    this.#ctx = ctx;
    this.#plans = this.#plan();
  }

  /** How many messages `emit` will write, known before the certifications are. */
  get messageCount(): number {
    return this.#plans.reduce((sum, plan) => sum + (plan.revision ? 2 : 1), 0);
  }

  emit(standingFirsts: ReadonlyMap<string, number>): void {
    for (const plan of this.#plans) {
      const n = standingFirsts.get(`${plan.district}|${plan.year}`) ?? 0;
      const target = Math.max(0, plan.target(n));
      this.#emitPlan(plan, target, n);
      if (plan.year >= 2023 && plan.year <= 2025) this.checks.push(describe(plan, n, target));
    }
  }

  #emitPlan(plan: TargetPlan, target: number, n: number): void {
    const { rng } = this.#ctx;
    const early = dateBetween(rng, isoDate(plan.year, 1, 6), isoDate(plan.year, 2, 10));
    if (!plan.revision) {
      this.#send(plan, target, officeHours(rng, early), []);
      return;
    }
    const revisedOn = dateBetween(rng, isoDate(plan.year, 3, 1), isoDate(plan.year, 6, 15));
    const standing = this.#send(plan, target, officeHours(rng, revisedOn), ["target-replaced"]);
    // The superseded first target; when `stale`, the queue delivers it after the standing one and its
    // older time loses.
    const superseded = n + rng.int(2, 5);
    if (plan.revision === "stale")
      this.#send(plan, superseded, officeHours(rng, early), ["stale-replacement"], standing);
    else this.#send(plan, superseded, officeHours(rng, early), []);
  }

  #send(
    plan: TargetPlan,
    target: number,
    time: number,
    cases: readonly SpecialCase[],
    after?: Fact<"district.target.set">,
  ): Fact<"district.target.set"> {
    const { rng, book } = this.#ctx;
    return emit(
      book,
      "district.target.set",
      { district: plan.district, year: plan.year, target },
      {
        time,
        idScheme: { prefix: `TGT-${plan.year}-${plan.district}`, width: 2 },
        cases,
        ...(after ? { placement: { kind: "after", anchor: after, lines: rng.int(3, 15) } as const } : {}),
      },
    );
  }

  #plan(): TargetPlan[] {
    const { rng } = this.#ctx;
    const near = (n: number): number => n + rng.int(-3, 4);
    const plans: TargetPlan[] = [
      {
        district: "jinan-hitech-zone",
        year: 2024,
        target: (n) => n - 12,
        note: "12 above target: bonus capped",
      },
      { district: "370102", year: 2024, target: (n) => n - 10, note: "exactly 10 above: bonus at the cap" },
      {
        district: "370112",
        year: 2024,
        target: (n) => n - 3,
        note: "replaced later in the year",
        revision: "replaced",
      },
      {
        district: "370105",
        year: 2024,
        target: (n) => n - 1,
        note: "older target delivered late",
        revision: "stale",
      },
      { district: "370103", year: 2024, target: (n) => n, note: "exactly at target: no bonus" },
      { district: "370104", year: 2024, target: (n) => n + 5, note: "below target: no bonus" },
      { district: "370112", year: 2025, target: (n) => n - 11, note: "11 above target: bonus capped" },
      { district: "jinan-hitech-zone", year: 2023, target: (n) => n - 4, note: "4 above target" },
      { district: "jinan-hitech-zone", year: 2022, target: near, note: "outside the policy window" },
      { district: "jinan-hitech-zone", year: 2026, target: near, note: "outside the policy window" },
      { district: "370102", year: 2026, target: near, note: "outside the policy window" },
    ];
    // Most other districts set a target too; 370124 and 370126 set none in 2024.
    const others: readonly (readonly [number, readonly DistrictId[]])[] = [
      [2023, ["370102", "370103", "370104", "370105", "370112", "370114", "370116"]],
      [2024, ["370113", "370114", "370115", "370116", "370117"]],
      [2025, ["jinan-hitech-zone", "370102", "370103", "370104", "370105", "370113", "370114", "370124"]],
    ];
    for (const [year, districts] of others) {
      for (const district of districts) plans.push({ district, year, target: near, note: "" });
    }
    return plans;
  }
}

function describe(plan: TargetPlan, n: number, target: number): Check {
  const above = Math.max(0, n - target);
  const entitled = PER_CERTIFICATE * BigInt(above);
  const bonus = entitled < BONUS_CAP ? entitled : BONUS_CAP;
  const note = plan.note ? ` (${plan.note})` : "";
  return `district ${plan.district} ${plan.year}: N=${n} T=${target} → bonus ${fenToYuan(bonus)}${note}`;
}
