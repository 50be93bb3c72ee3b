import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { decodeLines, decodeStream } from "../shared/simulate/lines";
import { replayDigests } from "./support/replay-digest";

/**
 * The replay's outputs are identical before and after the scale work (issue 16 § Tests): the digests in
 * tests/replay-digests.json were produced by main just before the scale work merged (its core, with the
 * workbench, funders and sample changes), so they check the scale work alone.
 */
test("the replay produces exactly what the release before the scale work produced", async () => {
  const pinned = JSON.parse(readFileSync(join(import.meta.dirname, "replay-digests.json"), "utf8"));
  const now = await replayDigests();
  expect(Object.keys(now)).toEqual(Object.keys(pinned));
  for (const [name, digest] of Object.entries(pinned)) expect(now[name], name).toBe(digest);
}, 120_000);

test("a stream read in chunks is decoded line for line as the whole file is", () => {
  const sample = readFileSync(join(import.meta.dirname, "..", "examples", "jinan-2024.ndjson"));
  const bytes = sample.subarray(0, sample.indexOf(0x0a, 40_000) + 1);
  // A line cut in the middle of a multi-byte character, a CRLF and blank lines, an invalid byte.
  const edges = Buffer.concat([
    bytes,
    Buffer.from("\n\n  \r\n中文\u2028\n\xff\xfe\n", "latin1"),
    Buffer.from("末行"),
  ]);
  const chunks = (size: number) =>
    Array.from({ length: Math.ceil(edges.length / size) }, (_, i) =>
      edges.subarray(i * size, (i + 1) * size),
    );
  for (const size of [1, 7, 4096, 2 ** 20])
    expect([...decodeLines(chunks(size))]).toEqual(decodeStream(edges));
});
