import { expect, test } from "vitest";
import { expectSettled, throughCrashingStack } from "./support";

test("crash: a worker that dies after its transaction commits, before acknowledging, doubles nothing", async () => {
  const { got, crashes, expected } = await throughCrashingStack("crash-after-commit", (crash) => ({
    wrapIngest: (handler) => async (event) => {
      const response = await handler(event); // every record's transaction has committed
      if (crash()) throw new Error("worker died after commit, before acknowledging"); // the whole batch comes back
      return response;
    },
  }));
  console.log(`crash-after-commit: ${crashes} batches redelivered after commit`);
  expect(crashes).toBeGreaterThan(0);
  expect(got.rejections).toEqual([]);
  expectSettled(got, expected, expect);
}, 180_000);
