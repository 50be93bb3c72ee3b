import { describe, expect, test } from "vitest";
import { matchesFilterPattern } from "../../local/event-filter";
import { cityTemplate, templateSettings } from "../../local/template";

/**
 * The relay's filter as the template carries it (infra/functions.ts RELAY_FILTER, synthesised): the one
 * the local stack uses. Without a pattern every record would match, and the `false` rows fail.
 */
const pattern = templateSettings(await cityTemplate("jinan")).relay.filterPattern;
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
