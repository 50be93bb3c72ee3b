import { z } from "zod";
import { FACT_TYPES } from "../contract";
import { type Fen, yuanToFen } from "../money";

/** A yuan amount in a city file: the contract's decimal string, held as fen. */
export const yuanAmount = z
  .string()
  .refine((s) => yuanToFen(s) !== undefined, { message: 'must be a yuan decimal string like "300000"' })
  .transform((s): Fen => yuanToFen(s) ?? 0n);

/** An exact rate: integer basis points (1% = 100, 1‰ = 10), never a float. */
export const basisPoints = z.number().int().min(0).max(10_000);

export const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be YYYY-MM-DD");

/** A parameter that is one value, or chosen by a field of the fact (`by` is a dotted path into `data`). */
export function selectable<T extends z.ZodType>(value: T) {
  return z.union([value, z.strictObject({ by: z.string().min(1), values: z.record(z.string(), value) })]);
}
export type Selectable<T> = T | { by: string; values: Record<string, T> };

/** Trigger: the fact type a program reads and the values its fields must have (`when`). */
export const trigger = z.strictObject({
  type: z.enum(FACT_TYPES),
  when: z.record(z.string(), z.array(z.union([z.string(), z.boolean(), z.number()])).min(1)).default({}),
});
export type Trigger = z.output<typeof trigger>;

export const programBase = {
  id: z.string().regex(/^[a-z][a-z0-9-]{1,62}$/, "must be a lower-case id like hte-first-award"),
  clause: z.string().regex(/§/, "must cite the clause, e.g. §二(二)8"),
  description: z.string().min(1),
  /**
   * Per-period budget in yuan; a program without one is unlimited. A period's budget is one amount for
   * the program, or — for a program with funders — one amount per funder, `{ "city": "1000000", … }`
   * (payments.md § Budget; the funders named are checked in city.ts).
   */
  budgetsYuan: z
    .record(
      z.string().regex(/^\d{4}$/, "budget periods are years"),
      z.union([yuanAmount, z.record(z.string(), yuanAmount)]),
    )
    .optional(),
  /**
   * Who pays the program and in what shares (payouts.md § Funders): absent, the city alone, and messages
   * carry no funder lines. Shares sum to 10,000 basis points (checked in city.ts, naming the program); the
   * order is the tie-break of the split, so it is part of the policy.
   */
  funders: z
    .array(
      z.strictObject({
        funder: z.string().regex(/^[a-z][a-z0-9-]{1,62}$/, "must be a lower-case id like city or district"),
        name: z.string().min(1),
        shareBasisPoints: z.number().int().min(1).max(10_000),
      }),
    )
    .min(1)
    .optional(),
};

type FenNamed<T> = { [K in keyof T as K extends `${infer B}Yuan` ? `${B}Fen` : K]: T[K] };

/**
 * City files spell amounts as yuan strings under names ending in `Yuan` (`amountYuan: "300000"`); parsed,
 * they hold fen, so they are renamed to end in `Fen` (`amountFen: 30000000n`). Errors still name the
 * field as written in the file.
 */
export function fenNamed<S extends z.ZodObject>(schema: S) {
  return schema.transform(
    (parsed) =>
      Object.fromEntries(
        Object.entries(parsed).map(([name, value]) => [name.replace(/Yuan$/, "Fen"), value]),
      ) as FenNamed<z.output<S>>,
  );
}
