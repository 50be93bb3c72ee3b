import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { type Rejection, sqsJson } from "../../../shared/contract";
import { readCity } from "../../../shared/policy/files";
import { decodeStream, type StreamLine, sqsRefusal } from "../../../shared/simulate/lines";
import { simulate } from "../../../shared/simulate/simulate";
import { parseAsSent } from "../../support/sent";
import { USCC_A } from "../fixtures";
import { HOSTILE } from "./corpus";

const city = readCity("jinan");
const context = { city: city.city, districtIds: city.districtIds };
const SAMPLE = join(import.meta.dirname, "..", "..", "..", "examples", "jinan-2024.ndjson");
const clock = () => "2026-01-01T00:00:00.000Z";

/** The rejected queue's message body, as the ingest handler publishes it. */
const published = (rejection: Rejection) => sqsJson({ ...rejection, receivedAt: clock() });

/** A payout message in a line: enough to see which fact paid what. */
const summary = (json: string) => {
  const m = JSON.parse(json);
  return `${m.kind} ${m.program} ${m.beneficiary?.id} ${m.amount} ← ${m.cause?.source} ${m.cause?.id}`;
};

const decoded = (bytes: Uint8Array): StreamLine => {
  const [only, ...more] = decodeStream(bytes);
  expect(more).toEqual([]);
  if (!only) throw new Error("a corpus line decoded to nothing");
  return only;
};

describe("the hostile corpus, line by line through parseMessage", () => {
  test.each(HOSTILE.map((h) => [`${h.point}: ${h.name}`, h] as const))("%s", (_name, hostile) => {
    const line = decoded(hostile.bytes);
    if ("refused" in hostile.expected) {
      expect(line.refused?.reason).toBe(hostile.expected.refused);
      return;
    }
    expect(line.refused).toBeUndefined();
    const result = parseAsSent(line.text ?? "", context);
    if (result.ok) throw new Error(`accepted: ${result.message.type} ${result.message.id}`);
    expect(result.rejection.reason).toBe(hostile.expected.reason);
    expect(result.rejection.detail.startsWith(hostile.expected.detail), result.rejection.detail).toBe(true);
    // What the registry reads back must itself be a message SQS carries.
    expect(sqsRefusal(published(result.rejection))).toBeUndefined();
  });
});

describe("the hostile corpus mixed into the sample, through simulate", () => {
  test("every hostile line is rejected or refused, and the sample's payouts are byte-identical", () => {
    const bytes = readFileSync(SAMPLE);
    const sample = decodeStream(bytes);
    const alone = simulate(sample, city, clock);

    // One hostile line after every 80 sample lines, so they meet facts already applied.
    const mixed: StreamLine[] = [];
    const hostile = HOSTILE.map((h) => decoded(h.bytes));
    for (const [i, line] of sample.entries()) {
      mixed.push(line);
      const next = i % 80 === 79 ? hostile.shift() : undefined;
      if (next) mixed.push(next);
    }
    mixed.push(...hostile);
    const together = simulate(mixed, city, clock);

    // Byte-identical, reported as what differs (the whole outbox would not fit a failure message).
    const lines = (r: typeof alone) => r.messages.map((m) => JSON.stringify(m));
    const [before, after] = [lines(alone), lines(together)];
    expect(after.filter((m) => !before.includes(m)).map(summary)).toEqual([]);
    expect(before.filter((m) => !after.includes(m)).map(summary)).toEqual([]);
    expect(after.join("\n") === before.join("\n")).toBe(true);
    expect(together.deadLetters).toEqual(alone.deadLetters);
    const rejected = HOSTILE.filter((h) => !("refused" in h.expected));
    expect(together.outcomes.rejected).toBe(alone.outcomes.rejected + rejected.length);
    expect(together.outcomes.refused).toBe(alone.outcomes.refused + HOSTILE.length - rejected.length);
    const reasons = (rs: readonly Rejection[]) => rs.map((r) => r.reason).sort();
    const hostileReasons = rejected.map((h) => ("reason" in h.expected ? h.expected.reason : ""));
    expect(reasons(together.rejections)).toEqual([...reasons(alone.rejections), ...hostileReasons].sort());
    for (const r of together.rejections) expect(sqsRefusal(published(r))).toBeUndefined();
  });
});

describe("the issue's examples, through simulate", () => {
  const run = (...lines: string[]) => simulate(lines, city, clock);
  const granted = (certificateNo: string, id: string) =>
    JSON.stringify({
      specversion: "1.0",
      id,
      source: "registry/hte-certification",
      type: "hte.certification.granted",
      time: "2024-11-20T09:30:00+08:00",
      city: "jinan",
      data: {
        certificateNo,
        enterprise: { uscc: USCC_A, name: "济南星河科技有限公司" },
        kind: "first",
        scale: "above",
        district: "370102",
        issuedOn: "2024-11-20",
      },
    });

  test("GRADVCASE1 and gradvcase1 for one enterprise on one day: one first award, the twin rejected", () => {
    const result = run(granted("GRADVCASE1", "C-1"), granted("gradvcase1", "C-2"));
    expect(result.messages.map((m) => (m.kind === "release" ? m.kind : `${m.program} ${m.amount}`))).toEqual([
      "hte-first-award 300000.00",
    ]);
    expect(result.rejections).toMatchObject([{ id: "C-2", reason: "invalid-data" }]);
  });

  test('"eligibleSpend": "1", …, "eligibleSpend": "999999" pays nothing', () => {
    const [money] = HOSTILE;
    const result = run(new TextDecoder().decode(money?.bytes));
    expect(result.messages).toEqual([]);
    expect(result.rejections).toMatchObject([{ reason: "malformed-json" }]);
  });
});
