import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export function readLines(file: string): string[] {
  return readFileSync(file, "utf8").split("\n");
}

export function writeNdjson(file: string | undefined, records: readonly unknown[]): void {
  if (!file) return;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, records.map((r) => `${JSON.stringify(r)}\n`).join(""));
}
