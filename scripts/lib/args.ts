import { cityId, existingFile } from "./cli";

/**
 * The options `simulate` and `start` share: `--city`, `--events`, `--out`, `--rejects`, `--dead-letters`,
 * `--refused` (lines the queue would not carry); each command adds its own.
 */
export const STREAM_OPTIONS = {
  city: { type: "string", default: "jinan" },
  events: { type: "string", default: "examples/jinan-2024.ndjson" },
  out: { type: "string", default: "out/payouts.ndjson" },
  rejects: { type: "string" },
  "dead-letters": { type: "string" },
  refused: { type: "string" },
} as const;

export const STREAM_USAGE =
  "[--city <id>] [--events <in.ndjson>] [--out <payouts.ndjson>] [--rejects <file>] [--dead-letters <file>] [--refused <file>]";

/** The shared options checked: a known city, an events file that exists. */
export function checkStreamArgs<T extends { city: string; events: string }>(values: T): T {
  cityId(values.city);
  existingFile(values.events, "events");
  return values;
}
