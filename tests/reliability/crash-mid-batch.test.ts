import { expect, test } from "vitest";
import { expectSettled, throughCrashingStack } from "./support";

test("crash: a worker that dies mid-batch loses nothing and doubles nothing", async () => {
  const { got, crashes, expected } = await throughCrashingStack("crash-mid-batch", (crash, next) => ({
    wrapIngest: (handler) => async (event) => {
      if (event.Records.length > 1 && crash()) {
        const done = 1 + Math.floor(next() * (event.Records.length - 1));
        await handler({ Records: event.Records.slice(0, done) }); // these commit …
        throw new Error(`worker died after ${done} of ${event.Records.length} records`); // … none is acknowledged
      }
      return handler(event);
    },
  }));
  console.log(`crash-mid-batch: ${crashes} batches cut short`);
  expect(crashes).toBeGreaterThan(0);
  expect(got.rejections).toEqual([]);
  expectSettled(got, expected, expect);
}, 180_000);
