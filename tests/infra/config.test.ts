import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "aws-cdk-lib";
import { describe, expect, it } from "vitest";
import { CityStack } from "../../infra/city-stack";
import { createApp } from "../../infra/create-app";
import { CityConfigError } from "../../shared/policy/errors";
import { CITIES_DIR } from "../../shared/policy/files";

/** Just enough of a city file's shape to break it. */
interface CityJson {
  operations: {
    ingest: Record<string, unknown>;
    relay: Record<string, unknown>;
    financePrincipals: string[];
    alarmEmails: string[];
    alarms?: Record<string, unknown>;
  };
  publishers: { id: string; channel: string; principals?: string[]; types: string[] }[];
}

const publisher = (c: CityJson, id: string) => {
  const found = c.publishers.find((p) => p.id === id);
  if (!found) throw new Error(`jinan.json has no publisher ${id}`);
  return found;
};

const jinan = (): CityJson => JSON.parse(readFileSync(join(CITIES_DIR, "jinan.json"), "utf8"));

/** Builds the stack from an in-memory city object; validation fails before anything is bundled. */
function synthesize(cityFile: unknown): unknown {
  try {
    new CityStack(new App(), "Autogrant-broken", { cityFile, source: "in-memory jinan" });
  } catch (error) {
    return error;
  }
  throw new Error("the stack was built from a broken city");
}

describe("an invalid city config fails synthesis, naming the field", () => {
  it.each([
    ["operations.ingest.receiveLimit", (c: CityJson) => (c.operations.ingest.receiveLimit = 1)],
    ["operations.ingest.batchSize", (c: CityJson) => (c.operations.ingest.batchSize = "ten")],
    ["operations.relay.maxRecordAgeHours", (c: CityJson) => (c.operations.relay.maxRecordAgeHours = 24)],
    [
      "publishers[0].principals[0]",
      (c: CityJson) => (publisher(c, "hte-certification").principals = ["arn:aws:iam::*:role/x"]),
    ],
    // Authority (events.md § Publishers): one author per type, per source and per principal; one clock.
    [
      "publishers: fact type hte.certification.revoked is named twice",
      (c: CityJson) => publisher(c, "tech-market").types.push("hte.certification.revoked"),
    ],
    [
      "publishers: source registry/tech-market is named twice",
      (c: CityJson) => Object.assign(publisher(c, "tax-rd"), { source: "registry/tech-market" }),
    ],
    [
      "publishers: principal arn:aws:iam::111111111111:role/jinan-tech-market-publisher is named twice",
      (c: CityJson) =>
        publisher(c, "tax-rd").principals?.push("arn:aws:iam::111111111111:role/jinan-tech-market-publisher"),
    ],
    [
      "the clock is the stack's own scheduler role",
      (c: CityJson) => (publisher(c, "clock").principals = ["arn:aws:iam::111111111111:role/forger"]),
    ],
    ["the clock asserts clock.day only", (c: CityJson) => publisher(c, "clock").types.push("batch.closed")],
    [
      "exactly one clock channel",
      (c: CityJson) => (c.publishers = c.publishers.filter((p) => p.channel !== "clock")),
    ],
    ["operations.financePrincipals", (c: CityJson) => (c.operations.financePrincipals = [])],
    ["operations.alarmEmails[0]", (c: CityJson) => (c.operations.alarmEmails = ["not-an-address"])],
    ["operations.relay", (c: CityJson) => delete (c.operations as Partial<CityJson["operations"]>).relay],
    [
      "operations.alarms.payoutsOldestMessageHours",
      (c: CityJson) => (c.operations.alarms = { payoutsOldestMessageHours: 14 * 24 }),
    ],
    [
      "operations.alarms.rejectedOldestMessageHours",
      (c: CityJson) => (c.operations.alarms = { rejectedOldestMessageHours: 0 }),
    ],
    ["operations.alarms: Unrecognized key", (c: CityJson) => (c.operations.alarms = { unknown: 1 })],
    [
      "operations.alarms.relayIteratorAgeMinutes",
      (c: CityJson) => (c.operations.alarms = { relayIteratorAgeMinutes: 12 * 60 }),
    ],
  ])("%s", (field, breakIt) => {
    const city = jinan();
    breakIt(city);
    const error = synthesize(city);
    expect(error).toBeInstanceOf(CityConfigError);
    expect((error as Error).message).toContain("in-memory jinan");
    expect((error as Error).message).toContain(field);
  });

  it("a city file whose `city` is not its file name is refused by the app", () => {
    const dir = mkdtempSync(join(tmpdir(), "autogrant-cities-"));
    try {
      writeFileSync(join(dir, "wuhan.json"), JSON.stringify(jinan()));
      expect(() => createApp(new App(), { dir })).toThrow(/wuhan\.json: "city" is jinan/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a broken city file on disk stops the app before any stack is built, naming file and field", () => {
    const dir = mkdtempSync(join(tmpdir(), "autogrant-cities-"));
    try {
      const city = jinan();
      city.operations.ingest.timeoutSeconds = 0;
      writeFileSync(join(dir, "jinan.json"), JSON.stringify(city));
      const app = new App();
      expect(() => createApp(app, { dir })).toThrow(/jinan\.json[\s\S]*operations\.ingest\.timeoutSeconds/);
      expect(app.node.children).toHaveLength(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("an unknown city (-c city=nowhere) fails listing the cities there are", () => {
    const app = new App({ context: { city: "nowhere" } });
    expect(() => createApp(app)).toThrow(/nowhere.*cities: chongqing, jinan/s);
  });
});
