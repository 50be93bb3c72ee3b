import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { sqsRefusal } from "../../shared/contract";
import { raw, VALID, withField } from "../contract/fixtures";
import { HOSTILE } from "../contract/hostile/corpus";
import { drainRejections, type HandlersOnEngines, handlersOnEngines, sqsEventOf } from "../support/handlers";

let engines: HandlersOnEngines;
beforeAll(async () => {
  engines = await handlersOnEngines("hostile");
});
afterAll(() => engines.dispose());

/** Facts the hostile lines aim at: the upper-case certificate and the lower-case carrier of their twins. */
const STANDING = [
  raw(
    "hte.certification.granted",
    withField(VALID["hte.certification.granted"], "certificateNo", "GRADVCASE1"),
    { id: "STANDING-1" },
  ),
  raw("carrier.accredited", VALID["carrier.accredited"], { id: "STANDING-2" }),
];

describe("the hostile corpus through the real ingest handler on the local engines", () => {
  test("every line the queue carries is rejected with its reason, published, and changes nothing", async () => {
    const { handlers, resources } = engines;
    expect((await handlers.ingest(sqsEventOf(STANDING), 30)).batchItemFailures).toEqual([]);
    await drainRejections(resources);
    const before = await engines.scanTable();

    // Invalid UTF-8 cannot even be handed to SendMessage as a string: those lines never reach a handler
    // (both replay paths refuse them: tests/reliability/refused-lines.test.ts, and the contract corpus test).
    const carried = HOSTILE.filter((h) => !("refused" in h.expected));
    const bodies = carried.map((h) => new TextDecoder("utf-8", { fatal: true }).decode(h.bytes));
    for (const body of bodies) expect(sqsRefusal(body)).toBeUndefined();
    for (let i = 0; i < bodies.length; i += 5) {
      const response = await handlers.ingest(sqsEventOf(bodies.slice(i, i + 5)), 30);
      expect(response.batchItemFailures).toEqual([]); // published and acknowledged, none left to retry
    }

    // Published at least once (the contract's promise): one rejection per line, found by its echoed id.
    const published = await drainRejections(resources);
    expect(new Set(published.map((r) => r.id)).size).toBe(carried.length);
    for (const [i, hostile] of carried.entries()) {
      const id = JSON.parse(bodies[i] ?? "{}").id;
      const rejection = published.find((r) => r.id === id);
      if (!rejection) throw new Error(`${hostile.name}: no rejection published`);
      if ("reason" in hostile.expected) {
        expect(rejection.reason, hostile.name).toBe(hostile.expected.reason);
        expect(rejection.detail.startsWith(hostile.expected.detail), rejection.detail).toBe(true);
      }
    }
    expect(await engines.scanTable()).toEqual(before);
  });
});
