import { expect, test } from "vitest";
import { readCity } from "../../shared/policy/files";
import { conflictFree, expectSettled, random, reference, seed, shuffle, throughStack } from "./support";

const city = readCity("jinan");

test("duplication and disorder: each message 1–3 times in random order to 4 workers settles to simulate's totals", async () => {
  const next = random(seed("disorder"));
  const lines = conflictFree(city);
  const expected = reference(lines, city);
  expect(expected.rejections).toEqual([]);
  expect(expected.deadLetters).toEqual([]);
  const deliveries = shuffle(
    lines.flatMap((line) => Array.from({ length: 1 + Math.floor(next() * 3) }, () => line)),
    next,
  );
  // Dependents may now come long before their originals: give them enough redeliveries to wait.
  const got = await throughStack(deliveries, { city, workers: 4, receiveLimit: 30, prefix: "disorder" });

  expect(got.rejections).toEqual([]);
  expect(got.deadLetters).toEqual([]);
  expectSettled(got, expected, expect);
  console.log(
    `disorder: ${deliveries.length} deliveries of ${lines.length} messages → ${got.messages.length} payouts`,
  );
}, 180_000);
