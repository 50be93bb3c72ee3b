import { FACT_DATE_FIELDS, type FactType } from "../contract";
import { TYPE_RULES } from "./catalogue";

/**
 * The date (or year) that picks a fact's policy version and period: its contract fact date. Facts
 * dated by another have none of their own here — everything about a loan by its filing (`datedBy`), a
 * revocation or cancellation by its original (`removes`).
 */
export function policyDateOf(type: FactType, data: unknown): string | number | undefined {
  const rules = TYPE_RULES[type] as { removes?: unknown; datedBy?: unknown };
  const spec = FACT_DATE_FIELDS[type];
  if (rules.removes || rules.datedBy || spec.kind === "none") return undefined;
  return (data as Record<string, string | number>)[spec.field];
}

/** The period: the calendar year of the policy date. */
export function periodOf(dateOrYear: string | number): number {
  return typeof dateOrYear === "number" ? dateOrYear : Number(dateOrYear.slice(0, 4));
}
