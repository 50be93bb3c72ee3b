import { z } from "zod";
import { countAboveTarget, countAboveTargetSchema } from "./count-above-target";
import { firstQualifyingYear, firstQualifyingYearSchema } from "./first-qualifying-year";
import { fixedAward, fixedAwardSchema } from "./fixed-award";
import type { ProgramKind } from "./kind";
import { rateWithCap, rateWithCapSchema } from "./rate-with-cap";
import { riskShare, riskShareSchema } from "./risk-share";
import { thresholdRate, thresholdRateSchema } from "./threshold-rate";

export type { Contribution, Counters, Entitlement, FactView, UnitView } from "./kind";

/** Every program kind a city file may use; a new kind is a new file here, a new program is data. */
export const programSchema = z.discriminatedUnion("kind", [
  fixedAwardSchema,
  rateWithCapSchema,
  thresholdRateSchema,
  countAboveTargetSchema,
  riskShareSchema,
  firstQualifyingYearSchema,
]);
export type Program = z.output<typeof programSchema>;

const KINDS: { [K in Program["kind"]]: ProgramKind<Extract<Program, { kind: K }>> } = {
  "fixed-award": fixedAward,
  "rate-with-cap": rateWithCap,
  "threshold-rate": thresholdRate,
  "count-above-target": countAboveTarget,
  "risk-share": riskShare,
  "first-qualifying-year": firstQualifyingYear,
};

/** The kind's code for a program, typed to the program's own parameters. */
export function kindOf<P extends Program>(program: P): ProgramKind<P> {
  return KINDS[program.kind] as unknown as ProgramKind<P>;
}
