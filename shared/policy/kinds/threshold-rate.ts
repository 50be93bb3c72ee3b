import { z } from "zod";
import { fenToYuan } from "../../money";
import { fenNamed, programBase, selectable, trigger, yuanAmount } from "../values";
import { counter, type ProgramKind, singlePeriod } from "./kind";
import { capped, rateAmount, rateContributions, rateOn } from "./rate-with-cap";

/**
 * A rate on the unit's total that pays only once the total reaches a threshold, then on the whole total
 * (`transfer-institution-turnover`, §二(五)17: S ≥ 3,000,000 → 1.5% × S, cap 500,000; else 0).
 */
export const thresholdRateSchema = fenNamed(
  z.strictObject({
    ...programBase,
    kind: z.literal("threshold-rate"),
    trigger,
    beneficiary: z.string(),
    unitBy: z.array(z.string()).default([]),
    rate: selectable(rateOn),
    thresholdYuan: yuanAmount,
    capYuan: selectable(yuanAmount).optional(),
  }),
);
export type ThresholdRate = z.output<typeof thresholdRateSchema>;

export const thresholdRate: ProgramKind<ThresholdRate> = {
  schema: thresholdRateSchema,
  reactsTo: (program) => [program.trigger.type],
  roles: (program) => [{ type: program.trigger.type, role: program.beneficiary }],
  contributions: rateContributions,
  entitlement(program, unit) {
    const base = counter(unit.counters, "baseFen");
    if (base < program.thresholdFen) {
      const formula = `total ${fenToYuan(base)} below the threshold ${fenToYuan(program.thresholdFen)} = 0.00`;
      return { byPeriod: singlePeriod(unit.period, 0n), formula };
    }
    const raw = rateAmount(unit.counters);
    const cap = capped(raw.amountFen, unit.capFen);
    const formula = `total reaches ${fenToYuan(program.thresholdFen)}: ${raw.formula}${cap.formula}`;
    return { byPeriod: singlePeriod(unit.period, cap.amountFen), formula };
  },
};
