import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { replayDigests } from "./support/replay-digest";

/**
 * The replay's outputs are identical before and after the scale work (issue 16 § Tests): the digests in
 * tests/replay-digests.json were produced by the release before it (c87f048).
 */
test("the replay produces exactly what the release before the scale work produced", async () => {
  const pinned = JSON.parse(readFileSync(join(import.meta.dirname, "replay-digests.json"), "utf8"));
  const now = await replayDigests();
  expect(Object.keys(now)).toEqual(Object.keys(pinned));
  for (const [name, digest] of Object.entries(pinned)) expect(now[name], name).toBe(digest);
}, 120_000);
