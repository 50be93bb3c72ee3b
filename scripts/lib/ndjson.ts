import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { decodeStream, type StreamLine } from "../../shared/simulate/lines";

/** A stream file's lines, each decoded strictly; a line no registry could have sent is marked refused. */
export function readStream(file: string): StreamLine[] {
  return decodeStream(readFileSync(file));
}

export function writeNdjson(file: string | undefined, records: readonly unknown[]): void {
  if (!file) return;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, records.map((r) => `${JSON.stringify(r)}\n`).join(""));
}
