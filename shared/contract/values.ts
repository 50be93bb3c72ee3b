import { z } from "zod";
import { type Fen, YUAN_PATTERN, yuanToFen } from "../money";
import { DATE_PATTERN, parseDate } from "./calendar";
import { got, MISSING, quoteList, show } from "./describe";
import {
  identifierProblem,
  ORGANISATION_ID_CHARACTERS,
  ORGANISATION_ID_PATTERN,
  organisationIdCharactersProblem,
  organisationIdProblem,
  textProblem,
} from "./strings";
import { USCC_ALPHABET, usccProblem } from "./uscc";

/**
 * The contract's value rules as zod schemas. Every schema words its own errors, so the first issue of a
 * parse is already a rejection detail. Rules zod cannot express as JSON Schema (code points, calendar
 * dates, check characters) are refinements, with the nearest JSON Schema keywords kept in `jsonHints`.
 */
export const jsonHints = z.registry<Record<string, unknown>>();

export function hinted<T extends z.ZodType>(schema: T, hints: Record<string, unknown>): T {
  jsonHints.add(schema, hints);
  return schema;
}

/** A JSON Schema `if`/`then` pair, for a rule a refinement checks. */
export function ifThen(condition: object, consequence: object): Record<string, unknown> {
  // biome-ignore lint/suspicious/noThenProperty: `then` is the JSON Schema keyword; this is never awaited.
  return { if: condition, then: consequence };
}

type Issue = { code?: string; input?: unknown; keys?: string[] };

/** Error map of a schema expecting `what`: missing, wrong JSON type, or wrong value. */
export function expecting(what: string, jsonType: string) {
  return (issue: Issue): string =>
    issue.input === undefined ? MISSING : `must be ${what} ${got(issue.input, jsonType)}`;
}

/** A string whose value `problem` judges; its message is the detail after the path. */
export function checkedString(what: string, problem: (value: string) => string | undefined) {
  return z.string({ error: expecting(what, "string") }).superRefine((value, ctx) => {
    const message = problem(value);
    if (message !== undefined) ctx.addIssue({ code: "custom", message, input: value });
  });
}

/** A strict object: an unknown field anywhere is rejected. */
export function strict<S extends z.ZodRawShape>(
  shape: S,
  what = `an object with ${Object.keys(shape).join(", ")}`,
) {
  return z.strictObject(shape, {
    error: (issue: Issue) =>
      issue.code === "unrecognized_keys"
        ? `unknown field${(issue.keys ?? []).length > 1 ? "s" : ""} ${quoteList(issue.keys ?? [])}`
        : expecting(what, "object")(issue),
  });
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: expecting(`one of ${quoteList(values)}`, "string") });
}

export const flag = z.boolean({ error: expecting("true or false", "boolean") });

// Money ----------------------------------------------------------------------------------------------

const YUAN = 'a yuan decimal string like "1234.50"';

/** The usual ways a registry gets a yuan string wrong, named so the fix is obvious. */
const YUAN_MISTAKES: readonly [RegExp, string][] = [
  [/\s/, " without spaces"],
  [/^[+-]/, " without a sign"],
  [/[eE]/, " without an exponent"],
  [/^0[0-9]/, " without leading zeros"],
  [/^[0-9]+\.[0-9]{3,}$/, " with at most 2 decimal places"],
  [/^[0-9]{13,}(\.[0-9]*)?$/, " of at most 999999999999.99"],
];

function yuanShapeProblem(value: string): string {
  const why = YUAN_MISTAKES.find(([mistake]) => mistake.test(value))?.[1] ?? "";
  return `must be ${YUAN}${why} (got ${show(value)})`;
}

/** Contract yuan string → fen; > 0 unless the field allows "0". */
function money(allowZero: boolean) {
  const checked = checkedString(YUAN, (value) => {
    const fen = yuanToFen(value);
    if (fen === undefined) return yuanShapeProblem(value);
    if (fen === 0n && !allowZero) return `must be greater than 0 (got ${show(value)})`;
    return undefined;
  });
  return hinted(
    checked.transform((value): Fen => yuanToFen(value) ?? 0n),
    allowZero
      ? { description: "yuan, decimal string; 0 allowed", pattern: YUAN_PATTERN.source }
      : { description: "yuan, decimal string, > 0", pattern: `(?!^0(\\.0{1,2})?$)${YUAN_PATTERN.source}` },
  );
}

export const amount = money(false);
export const amountOrZero = money(true);

// Dates, years, counts -------------------------------------------------------------------------------

export const date = hinted(
  checkedString("a date YYYY-MM-DD", (value) => {
    if (!DATE_PATTERN.test(value)) return `must be a date YYYY-MM-DD (got ${show(value)})`;
    return parseDate(value) === undefined ? `${value} is not a real calendar date` : undefined;
  }),
  { format: "date", pattern: DATE_PATTERN.source, description: "China (UTC+8) local date" },
);

function integer(what: string, min: number, max: number) {
  return z
    .int({ error: expecting(what, "number") })
    .min(min)
    .max(max);
}

export const year = integer("an integer year from 2000 to 2100", 2000, 2100);
export const target = integer("an integer from 0 to 100000", 0, 100_000);

// Identifiers and text -------------------------------------------------------------------------------

export function identifier(max: number) {
  return hinted(
    checkedString(`1–${max} printable ASCII characters`, (value) => identifierProblem(value, max)),
    { pattern: `^[!-\`{-~]{1,${max}}$`, description: "printable ASCII without space, upper case" },
  );
}

export const organisationId = hinted(checkedString("an organisation id", organisationIdProblem), {
  pattern: ORGANISATION_ID_PATTERN.source,
});

/** A voucher holder's id: its case rule depends on the holder's kind (types.ts). */
export const holderId = hinted(checkedString("an organisation id", organisationIdCharactersProblem), {
  pattern: ORGANISATION_ID_CHARACTERS.source,
});

/** The characters outside SQS's rule that a JSON escape can still spell (textProblem rejects them). */
const NOT_CARRIED = { not: { pattern: "[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\ufffe\\uffff]" } };

export const name = hinted(
  checkedString("a name", (value) => textProblem(value, 200, true)),
  { minLength: 1, maxLength: 200, pattern: "\\S", ...NOT_CARRIED },
);

export const reason = hinted(
  checkedString("text", (value) => textProblem(value, 500, false)),
  { minLength: 1, maxLength: 500, ...NOT_CARRIED },
);

// USCC: upper case first, since usccProblem would call a lower-case letter "not in the alphabet".
const USCC_SYMBOL = "[0-9A-HJ-NP-RTUW-Y]";
export const USCC_JSON_PATTERN = `^${USCC_SYMBOL}{2}[0-9]{6}${USCC_SYMBOL}{10}$`;

export function usccDetail(value: string): string | undefined {
  const lower = [...value].findIndex((ch) => /[a-z]/.test(ch));
  if (value.length === 18 && lower >= 0) {
    return `must be upper case; position ${lower + 1} is '${[...value][lower]}'`;
  }
  return usccProblem(value);
}

export const uscc = hinted(checkedString("a USCC", usccDetail), {
  pattern: USCC_JSON_PATTERN,
  description: `Unified Social Credit Code (GB 32100-2015), alphabet ${USCC_ALPHABET}, valid check character`,
});

// Parties --------------------------------------------------------------------------------------------

export const enterprise = strict({ uscc, name });
export const organisation = strict({ id: organisationId, name });

/** District ids come from the receiving city's configuration. */
export function district(ids: readonly string[]) {
  const known = new Set(ids);
  const list = [...ids].sort();
  return hinted(
    checkedString("a district id", (value) =>
      known.has(value)
        ? undefined
        : `${show(value)} is not a district of this city (known: ${list.join(", ")})`,
    ),
    { enum: list },
  );
}
