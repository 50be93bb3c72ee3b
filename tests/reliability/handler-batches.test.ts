import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { raw, rawWith, VALID } from "../contract/fixtures";
import { drainRejections, type HandlersOnEngines, handlersOnEngines, sqsEventOf } from "../support/handlers";
import { toLine, voucher } from "../support/scenarios";
import { underOwnSource } from "../support/sent";

let engines: HandlersOnEngines;
let handlers: HandlersOnEngines["handlers"];
let resources: HandlersOnEngines["resources"];

beforeAll(async () => {
  engines = await handlersOnEngines("batches");
  ({ handlers, resources } = engines);
});
afterAll(() => engines.dispose());

describe("the ingest handler, batch by batch", () => {
  test("a batch of 10 holding 3 poison messages reports exactly those 3", async () => {
    const valid = Array.from({ length: 6 }, (_, i) => toLine(voucher(`ok-${i}`, "PB", "1000"), i, "jinan"));
    // Revocations of certificates that never came: they wait, so they are the batch's failures.
    const poison = Array.from({ length: 3 }, (_, i) =>
      toLine(
        {
          type: "hte.certification.revoked",
          id: `poison-${i}`,
          data: { certificateNo: `NEVER-${i}`, revokedOn: "2024-06-01", reason: "撤销" },
        },
        i,
        "jinan",
      ),
    );
    const bodies = [
      valid[0],
      poison[0],
      valid[1],
      valid[2],
      "{not json",
      poison[1],
      valid[3],
      valid[4],
      poison[2],
      valid[5],
    ] as string[];
    const event = sqsEventOf(bodies);
    const response = await handlers.ingest(event, 30);
    const poisonIds = event.Records.filter((r) => r.body.includes('"poison-')).map((r) => r.messageId);
    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(poisonIds.sort());
  });

  test("bad input: every rejection reason, each published with its reason, and the table unchanged", async () => {
    const accepted = raw("tech-contract.registered", VALID["tech-contract.registered"], {
      id: "BAD-original",
      time: "2024-04-02T09:00:00+08:00",
    });
    expect((await handlers.ingest(sqsEventOf([underOwnSource(accepted)]), 30)).batchItemFailures).toEqual([]);
    await drainRejections(resources);
    const corpus: [string, string][] = [
      ["malformed-json", '{"specversion": "1.0", "id": '],
      ["malformed-json", ""],
      ["not-cloudevent", raw("loan.filed", undefined, { id: "bad-spec", specversion: "0.3" })],
      ["not-cloudevent", raw("loan.filed", undefined, { id: "bad-time", time: "2024-11-20 09:30" })],
      [
        "not-cloudevent",
        JSON.stringify({ ...JSON.parse(raw("loan.filed")), id: "b64", data_base64: "e30=" }),
      ],
      ["unsupported-type", raw("loan.sold", {}, { id: "bad-type" })],
      ["wrong-city", raw("loan.filed", undefined, { id: "bad-city", city: "qingdao" })],
      [
        "invalid-data",
        rawWith("hte.certification.granted", "enterprise.uscc", "91370102MA3C12345X", { id: "bad-uscc" }),
      ],
      ["invalid-data", rawWith("loan.filed", "principal", 5000000, { id: "bad-money" })],
      ["invalid-data", rawWith("loan.filed", "principal", "-1", { id: "bad-sign" })],
      ["invalid-data", rawWith("voucher.redeemed", "colour", "red", { id: "bad-field" })],
      ["invalid-data", rawWith("hte.certification.granted", "incubator", null, { id: "bad-null" })],
      ["invalid-data", rawWith("hte.certification.granted", "district", "370181", { id: "bad-district" })],
      ["invalid-data", rawWith("hte.certification.granted", "issuedOn", "2023-02-29", { id: "bad-date" })],
      ["future-date", rawWith("loan.filed", "filedOn", "2024-11-23", { id: "bad-future" })],
      [
        "conflicting-duplicate",
        raw(
          "tech-contract.registered",
          { ...VALID["tech-contract.registered"], amount: "1" },
          { id: "BAD-original", time: "2024-04-02T09:00:00+08:00" },
        ),
      ],
      [
        "conflicting-duplicate",
        raw(
          "tech-contract.registered",
          { ...VALID["tech-contract.registered"], amount: "1" },
          { id: "BAD-other" },
        ),
      ],
    ];
    const before = await engines.scanTable();
    for (let i = 0; i < corpus.length; i += 10) {
      const bodies = corpus.slice(i, i + 10).map(([, body]) => underOwnSource(body));
      const response = await handlers.ingest(sqsEventOf(bodies), 30);
      expect(response.batchItemFailures).toEqual([]); // rejections are acknowledged, not retried
    }
    const published = await drainRejections(resources);
    const expected = corpus.map(([reason]) => reason).sort();
    expect(published.map((r) => r.reason).sort()).toEqual(expected);
    for (const r of published) {
      expect(r.detail.length).toBeGreaterThan(5);
      expect(r.receivedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    }
    expect(await engines.scanTable()).toEqual(before);
  });
});
