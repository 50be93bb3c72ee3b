import { z } from "zod";
import { type Fen, fenToYuan, floorDiv, minFen } from "../../money";
import { fenAt, matchesWhen, select, valueAt } from "../fields";
import type { PartyContext } from "../parties";
import { resolveParty } from "../parties";
import { basisPoints, fenNamed, programBase, selectable, trigger, yuanAmount } from "../values";
import {
  type Contribution,
  type Counters,
  counter,
  type FactView,
  type ProgramKind,
  percent,
  singlePeriod,
  unitKeyOf,
} from "./kind";

/** A rate and the money field of the fact it applies to (`rd-subsidy`: ic → 5% of superDeduction). */
export const rateOn = z.strictObject({ basisPoints, base: z.string().min(1) });

export const rateWithCapSchema = fenNamed(
  z.strictObject({
    ...programBase,
    kind: z.literal("rate-with-cap"),
    trigger,
    beneficiary: z.string(),
    /** Fields of the fact that split a beneficiary's period into finer units (vouchers: `voucherType`). */
    unitBy: z.array(z.string()).default([]),
    rate: selectable(rateOn),
    capYuan: selectable(yuanAmount).optional(),
  }),
);
export type RateWithCap = z.output<typeof rateWithCapSchema>;
type RateProgram = Pick<RateWithCap, "trigger" | "beneficiary" | "unitBy" | "rate" | "capFen">;

/**
 * What a fact adds to its unit: the base and `base × rate` (fen × basis points). Summing the scaled
 * amounts and dividing once keeps rounding to a single floor per unit (§ rounding: never sum rounded pieces).
 */
export function rateContributions(
  program: RateProgram,
  fact: FactView,
  parties: PartyContext,
): Contribution[] {
  if (fact.type !== program.trigger.type || !matchesWhen(fact.data, program.trigger.when)) return [];
  const beneficiary = resolveParty(fact.type, program.beneficiary, fact.data, parties);
  const rate = select(fact.data, program.rate);
  const base = rate && fenAt(fact.data, rate.value.base);
  const cap = program.capFen === undefined ? undefined : select(fact.data, program.capFen);
  if (!beneficiary || !rate || base === undefined || (program.capFen !== undefined && !cap)) return [];
  const split = program.unitBy.map((path) => String(valueAt(fact.data, path)));
  const label = program.unitBy.map((path, i) => `${path} ${split[i]}`).join(", ");
  return [
    {
      unitKey: unitKeyOf(beneficiary, fact.period, ...split),
      beneficiary,
      period: fact.period,
      counters: { baseFen: base, scaledFen: base * BigInt(rate.value.basisPoints) },
      ...(label ? { label } : {}),
      ...(cap ? { capFen: cap.value } : {}),
    },
  ];
}

/** `floor(Σ base × rate)` for the unit and how it was reached: "2.5% × 80000000.00 = 2000000.00". */
export function rateAmount(counters: Counters): { amountFen: Fen; formula: string } {
  const base = counter(counters, "baseFen");
  const scaled = counter(counters, "scaledFen");
  const amountFen = floorDiv(scaled, 10_000n);
  if (base === 0n) return { amountFen, formula: "no standing amount = 0.00" };
  // One rate for the whole unit shows as "2.5%"; facts at different rates (a category corrected) as Σ.
  const rateText = scaled % base === 0n ? `${percent(scaled / base)} ×` : "Σ rate × amount over";
  return { amountFen, formula: `${rateText} ${fenToYuan(base)} = ${fenToYuan(amountFen)}` };
}

export function capped(amountFen: Fen, capFen: Fen | undefined): { amountFen: Fen; formula: string } {
  if (capFen === undefined) return { amountFen, formula: "" };
  return amountFen > capFen
    ? { amountFen: capFen, formula: `, over the cap ${fenToYuan(capFen)} → ${fenToYuan(capFen)}` }
    : { amountFen: minFen(amountFen, capFen), formula: ` (cap ${fenToYuan(capFen)})` };
}

/**
 * A rate on the unit's total, rounded down, capped per unit (`rd-subsidy`, `innovation-voucher`,
 * `first-purchase-*`, `tech-contract-*`, `sme-tech-purchase`).
 */
export const rateWithCap: ProgramKind<RateWithCap> = {
  schema: rateWithCapSchema,
  reactsTo: (program) => [program.trigger.type],
  roles: (program) => [{ type: program.trigger.type, role: program.beneficiary }],
  contributions: rateContributions,
  entitlement(_program, unit) {
    const raw = rateAmount(unit.counters);
    const cap = capped(raw.amountFen, unit.capFen);
    return { byPeriod: singlePeriod(unit.period, cap.amountFen), formula: raw.formula + cap.formula };
  },
};
