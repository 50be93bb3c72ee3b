import { describe, expect, test } from "vitest";
import { matchesFilterPattern } from "../../local/template";

/** The relay's filter, as the stack declares it (infra/functions.ts) and the template carries it. */
const pattern = { eventName: ["INSERT"], dynamodb: { NewImage: { entity: { S: ["payout", "release"] } } } };
const record = (eventName: string, entity?: string) => ({
  eventName,
  dynamodb: { NewImage: entity === undefined ? {} : { entity: { S: entity } } },
});

describe("Lambda event filtering of the relay's stream records", () => {
  test.each([
    ["an inserted payout", record("INSERT", "payout"), true],
    ["an inserted release", record("INSERT", "release"), true],
    ["a modified payout (a release marks it payable)", record("MODIFY", "payout"), false],
    ["an inserted unit", record("INSERT", "unit"), false],
    ["an inserted receipt", record("INSERT", "receipt"), false],
    ["an item without an entity", record("INSERT"), false],
  ])("%s → %s", (_name, value, expected) => {
    expect(matchesFilterPattern(pattern, value)).toBe(expected);
  });
});
