import { expect, test } from "vitest";
import { expectSettled, throughCrashingStack } from "./support";

test("crash: a relay that dies after sending, before checkpointing, sends nothing twice past FIFO dedupe", async () => {
  const { got, crashes, expected } = await throughCrashingStack("crash-relay", (crash) => ({
    wrapRelay: (handler) => async (event) => {
      const response = await handler(event); // every payout of the batch is on the queue
      if (crash()) throw new Error("relay died after sending, before checkpointing"); // the stream redelivers the batch
      return response;
    },
  }));
  console.log(`crash-relay: ${crashes} stream batches redelivered after sending`);
  expect(crashes).toBeGreaterThan(0);
  expectSettled(got, expected, expect);
}, 180_000);
