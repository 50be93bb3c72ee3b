/**
 * npx tsx tests/support/pin-replay-digests.ts — writes tests/replay-digests.json from the replay as it is.
 * Run once on the release before a change to the replay's speed or memory (last run on the merge of the scale work with the pre-scale core checked out);
 * never after such a change to make the test pass: a changed digest is a changed output.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { replayDigests } from "./replay-digest";

const path = join(import.meta.dirname, "..", "replay-digests.json");
writeFileSync(path, `${JSON.stringify(await replayDigests(), null, 2)}\n`);
console.log(`wrote ${path}`);
