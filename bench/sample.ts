import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const SAMPLE_FILE = fileURLToPath(new URL("../examples/jinan-2024.ndjson", import.meta.url));

/** The sample's non-empty lines, in file order. */
export function readSample(file: string = SAMPLE_FILE): string[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "");
}

/** The row a line is counted under: its envelope `type`, or why it has none. */
export function lineType(line: string): string {
  try {
    const json = JSON.parse(line) as { type?: unknown };
    return typeof json?.type === "string" ? json.type : "(no type)";
  } catch {
    return "(not JSON)";
  }
}
