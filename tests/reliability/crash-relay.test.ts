import { expect, test } from "vitest";
import { readCity } from "../../shared/policy/files";
import { conflictFree, expectSettled, random, reference, seed, throughStack } from "./support";

const city = readCity("jinan");

test("crash: a relay that dies after sending, before checkpointing, sends nothing twice past FIFO dedupe", async () => {
  const next = random(seed("crash-relay"));
  const lines = conflictFree(city, 600);
  let crashes = 0;
  const got = await throughStack(lines, {
    city,
    workers: 2,
    prefix: "crash-relay",
    wrapRelay: (handler) => async (event) => {
      const response = await handler(event); // every payout of the batch is on the queue
      if (crashes < 20 && next() < 0.2) {
        crashes++;
        throw new Error("relay died after sending, before checkpointing"); // the stream redelivers the batch
      }
      return response;
    },
  });
  console.log(`crash-relay: ${crashes} stream batches redelivered after sending`);
  expect(crashes).toBeGreaterThan(0);
  expectSettled(got, reference(lines, city), expect);
}, 180_000);
