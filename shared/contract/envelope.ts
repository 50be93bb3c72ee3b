import { got, MISSING, show } from "./describe";
import { type Problem, problem } from "./rejection";
import { asciiIdProblem, sourceProblem } from "./strings";
import { parseTime } from "./time";

/** `application/json`, any case (media types are case-insensitive), parameters allowed. */
export const DATA_CONTENT_TYPE = /^application\/json[ \t]*(;.*)?$/i;

export function own(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

type Rule = (value: unknown) => string | undefined;

function required(rule: (value: string) => string | undefined, what = "a string"): Rule {
  return (value) => {
    if (value === undefined) return MISSING;
    if (typeof value !== "string") return `must be ${what} ${got(value, "string")}`;
    return rule(value);
  };
}

function optionalString(rule: (value: string) => string | undefined = () => undefined): Rule {
  return (value) => {
    if (value === undefined) return undefined;
    if (typeof value !== "string") return `must be a string if present ${got(value, "string")}`;
    return rule(value);
  };
}

/**
 * The CloudEvents attributes judged before `type` support, `city` and `data`, in the contract's order.
 * Extension attributes other than `city` are not judged: they are ignored and not part of the body.
 */
const ENVELOPE_RULES: readonly [string, Rule][] = [
  [
    "specversion",
    (v) =>
      v === undefined
        ? `${MISSING} (must be "1.0")`
        : v === "1.0"
          ? undefined
          : `must be "1.0" (got ${show(v)})`,
  ],
  ["id", required((v) => asciiIdProblem(v, 128))],
  ["source", required(sourceProblem)],
  ["type", required(() => undefined)],
  [
    "time",
    required((v) => {
      const parsed = parseTime(v);
      return parsed.ok ? undefined : parsed.problem;
    }, "an RFC 3339 date-time string"),
  ],
  [
    "datacontenttype",
    optionalString((v) =>
      DATA_CONTENT_TYPE.test(v)
        ? undefined
        : `must be "application/json" (parameters allowed) (got ${show(v)})`,
    ),
  ],
  ["dataschema", optionalString()],
  ["subject", optionalString()],
  ["data_base64", (v) => (v === undefined ? undefined : 'is not accepted; send the data as JSON in "data"')],
];

/** The first envelope rule the message breaks, as a `not-cloudevent` problem. */
export function envelopeProblem(envelope: Record<string, unknown>): Problem | undefined {
  for (const [field, rule] of ENVELOPE_RULES) {
    const wrong = rule(own(envelope, field));
    if (wrong !== undefined) return problem("not-cloudevent", field, wrong);
  }
  return undefined;
}
