import { closeSync, mkdirSync, openSync, readFileSync, readSync, writeFileSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { decodeLines, decodeStream, type StreamLine } from "../../shared/simulate/lines";

/** A stream file's lines, each decoded strictly; a line no registry could have sent is marked refused. */
export function readStream(file: string): StreamLine[] {
  return decodeStream(readFileSync(file));
}

/** `readStream`, one line at a time from 1 MiB reads: the file's text is never held whole. */
export function* readStreamLines(file: string): Generator<StreamLine> {
  yield* decodeLines(chunksOf(file));
}

function* chunksOf(file: string): Generator<Uint8Array> {
  const fd = openSync(file, "r");
  try {
    for (;;) {
      const chunk = new Uint8Array(2 ** 20);
      const read = readSync(fd, chunk);
      if (read === 0) return;
      yield chunk.subarray(0, read);
    }
  } finally {
    closeSync(fd);
  }
}

/** One JSON document per line, written a thousand records at a time rather than as one string. */
export function writeNdjson(file: string | undefined, records: readonly unknown[]): void {
  if (!file) return;
  const writer = new NdjsonWriter(file);
  try {
    for (const record of records) writer.write(record);
  } finally {
    writer.close();
  }
}

/** An NDJSON file written as records arrive, a thousand lines per write: none is kept once written. */
export class NdjsonWriter {
  readonly #fd: number;
  #pending: string[] = [];

  constructor(file: string) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, "");
    this.#fd = openSync(file, "a");
  }

  write(record: unknown): void {
    this.#pending.push(`${JSON.stringify(record)}\n`);
    if (this.#pending.length === 1000) this.flush();
  }

  flush(): void {
    if (this.#pending.length) writeSync(this.#fd, this.#pending.join(""));
    this.#pending = [];
  }

  close(): void {
    this.flush();
    closeSync(this.#fd);
  }
}
