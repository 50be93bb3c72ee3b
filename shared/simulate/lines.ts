/**
 * A stream file as registries would send it, one SQS message per line. A line SQS could not carry never
 * reaches the contract (so it gets no rejection record): the registry's SendMessage would have failed for
 * that one message. `simulate` and `npm start` refuse the same lines for the same reasons.
 */

import { type SqsRefusal, sqsRefusal } from "../contract/sqs";

export { SQS_MAX_MESSAGE_BYTES, sqsRefusal } from "../contract/sqs";

/** A line the queue would not take: its 1-based line number in the file and why. */
export interface RefusedLine {
  line: number;
  reason: "invalid-utf8" | SqsRefusal["reason"];
  detail: string;
}

/**
 * One line of a stream file: its text (absent only when the bytes are not UTF-8), and why no registry
 * could have sent it, if none could.
 */
export type StreamLine =
  | { line: number; text: string; refused?: undefined }
  | { line: number; text?: string; refused: RefusedLine };

const fatal = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Splits a file's bytes into lines and decodes each strictly: invalid UTF-8 (a stray `FF FE`, an overlong
 * `C0 AF`) is refused rather than turned into U+FFFD, and a line SQS would not carry is refused too.
 * Blank lines are skipped (they are not messages).
 */
export function decodeStream(bytes: Uint8Array): StreamLine[] {
  return [...decodeLines([bytes])];
}

/**
 * `decodeStream` over a file read in chunks, one line at a time: a province's stream is replayed without
 * holding its text (a line may span chunks; the bytes left over are carried to the next).
 */
export function* decodeLines(chunks: Iterable<Uint8Array>): Generator<StreamLine> {
  let line = 1;
  let carried: Uint8Array = new Uint8Array(0);
  for (const chunk of chunks) {
    const bytes = carried.length ? concat(carried, chunk) : chunk;
    let start = 0;
    for (let end = bytes.indexOf(0x0a, start); end >= 0; end = bytes.indexOf(0x0a, start)) {
      const decoded = decodeLine(bytes.subarray(start, end), line++);
      if (decoded) yield decoded;
      start = end + 1;
    }
    carried = bytes.slice(start);
  }
  const last = decodeLine(carried, line);
  if (last) yield last;
}

function decodeLine(chunk: Uint8Array, line: number): StreamLine | undefined {
  let text: string;
  try {
    text = fatal.decode(chunk);
  } catch {
    return { line, refused: { line, reason: "invalid-utf8", detail: "is not valid UTF-8" } };
  }
  if (text.trim() === "") return undefined;
  const refusal = sqsRefusal(text);
  return refusal ? { line, text, refused: { line, ...refusal } } : { line, text };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

/**
 * Lines given as strings (tests, generated streams) or already decoded: numbered by position, with
 * SQS's rule applied to the strings.
 */
export function* streamOf(lines: Iterable<string | StreamLine>): Generator<StreamLine> {
  let line = 0;
  for (const item of lines) {
    line++;
    if (typeof item !== "string") {
      yield item;
      continue;
    }
    if (item.trim() === "") continue;
    const refusal = sqsRefusal(item);
    yield refusal ? { line, text: item, refused: { line, ...refusal } } : { line, text: item };
  }
}
