import type { z } from "zod";
import type { FactType } from "../../contract";
import type { Fen } from "../../money";
import type { Beneficiary, PartyContext } from "../parties";

/** Running totals of a unit; every fact adds to them, and removing a fact subtracts what it added. */
export type Counters = Readonly<Record<string, bigint>>;

/** A fact as a program sees it: its data, its period and, for facts about a loan, the loan's filing. */
export interface FactView {
  type: FactType;
  data: unknown;
  period: number;
  filing?: unknown;
}

/** What one standing fact adds to one unit of a program. */
export interface Contribution {
  /** Unique within the program and policy version: the beneficiary, period and any finer split. */
  unitKey: string;
  beneficiary: Beneficiary;
  /** `null` when the unit spans periods (a once-per-beneficiary award decides its period itself). */
  period: number | null;
  counters: Counters;
  /** The finer split of the unit, for the explanation: "voucherType testing", "loan JNB-2024-0042". */
  label?: string;
  /** The cap that applies to the whole unit (constant within a unit by construction of its key). */
  capFen?: Fen;
}

export interface UnitView {
  beneficiary: Beneficiary;
  period: number | null;
  counters: Counters;
  capFen?: Fen;
}

/** A unit's entitlement per period, and the formula with its inputs for a finance officer. */
export interface Entitlement {
  byPeriod: ReadonlyMap<number, Fen>;
  formula: string;
}

/** A program kind: the code behind every program row of that kind; the city file holds its numbers. */
export interface ProgramKind<P> {
  readonly schema: z.ZodType<P>;
  /** The fact types this program reads. */
  reactsTo(program: P): readonly FactType[];
  /** The (fact type, party role) pairs the program pays, for validating a city file. */
  roles(program: P): readonly { type: FactType; role: string }[];
  contributions(program: P, fact: FactView, parties: PartyContext): Contribution[];
  entitlement(program: P, unit: UnitView): Entitlement;
}

export function counter(counters: Counters, name: string): bigint {
  return counters[name] ?? 0n;
}

export function unitKeyOf(beneficiary: Beneficiary, ...parts: readonly (string | number)[]): string {
  return [`${beneficiary.kind}:${beneficiary.id}`, ...parts].join("#");
}

/** Basis points as a percentage with exact decimals: 250 → "2.5%", 15 → "0.15%". */
export function percent(rateBasisPoints: number | bigint): string {
  const bp = BigInt(rateBasisPoints);
  const fraction = (bp % 100n).toString().padStart(2, "0").replace(/0+$/, "");
  return `${bp / 100n}${fraction ? `.${fraction}` : ""}%`;
}

export function singlePeriod(period: number | null, amountFen: Fen): ReadonlyMap<number, Fen> {
  return period === null ? new Map() : new Map([[period, amountFen]]);
}
