import { parseArgs } from "node:util";

/**
 * The options `simulate` and `start` share: `--city`, `--events`, `--out`, `--rejects`, `--dead-letters`,
 * `--refused` (lines the queue would not carry), `--now`.
 */
export function streamArgs(argv: string[], extra: Record<string, { type: "string" | "boolean" }> = {}) {
  const { values } = parseArgs({
    args: argv,
    options: {
      city: { type: "string", default: "jinan" },
      events: { type: "string", default: "examples/jinan-2024.ndjson" },
      out: { type: "string", default: "out/payouts.ndjson" },
      rejects: { type: "string" },
      "dead-letters": { type: "string" },
      refused: { type: "string" },
      now: { type: "string" },
      ...extra,
    },
    strict: true,
  });
  return values as {
    city: string;
    events: string;
    out: string;
    rejects?: string;
    "dead-letters"?: string;
    refused?: string;
    now?: string;
    [flag: string]: string | boolean | undefined;
  };
}
