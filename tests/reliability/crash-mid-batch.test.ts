import { expect, test } from "vitest";
import { readCity } from "../../shared/policy/files";
import { conflictFree, expectSettled, random, reference, seed, throughStack } from "./support";

const city = readCity("jinan");

test("crash: a worker that dies mid-batch loses nothing and doubles nothing", async () => {
  const next = random(seed("crash-mid-batch"));
  const lines = conflictFree(city, 600);
  let crashes = 0;
  const got = await throughStack(lines, {
    city,
    workers: 2,
    prefix: "crash-mid",
    wrapIngest: (handler) => async (event) => {
      if (event.Records.length > 1 && crashes < 20 && next() < 0.2) {
        crashes++;
        const done = 1 + Math.floor(next() * (event.Records.length - 1));
        await handler({ Records: event.Records.slice(0, done) }); // these commit …
        throw new Error(`worker died after ${done} of ${event.Records.length} records`); // … none is acknowledged
      }
      return handler(event);
    },
  });
  console.log(`crash-mid-batch: ${crashes} batches cut short`);
  expect(crashes).toBeGreaterThan(0);
  expect(got.rejections).toEqual([]);
  expectSettled(got, reference(lines, city), expect);
}, 180_000);
