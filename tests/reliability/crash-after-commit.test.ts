import { expect, test } from "vitest";
import { readCity } from "../../shared/policy/files";
import { conflictFree, expectSettled, random, reference, seed, throughStack } from "./support";

const city = readCity("jinan");

test("crash: a worker that dies after its transaction commits, before acknowledging, doubles nothing", async () => {
  const next = random(seed("crash-after-commit"));
  const lines = conflictFree(city, 600);
  let crashes = 0;
  const got = await throughStack(lines, {
    city,
    workers: 2,
    prefix: "crash-commit",
    wrapIngest: (handler) => async (event) => {
      const response = await handler(event); // every record's transaction has committed
      if (crashes < 20 && next() < 0.2) {
        crashes++;
        throw new Error("worker died after commit, before acknowledging"); // the whole batch comes back
      }
      return response;
    },
  });
  console.log(`crash-after-commit: ${crashes} batches redelivered after commit`);
  expect(crashes).toBeGreaterThan(0);
  expect(got.rejections).toEqual([]);
  expectSettled(got, reference(lines, city), expect);
}, 180_000);
