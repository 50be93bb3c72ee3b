import { expect, test } from "vitest";
import { readCity } from "../../shared/policy/files";
import { reference, sampleLines, sortBy, throughStack, totals } from "./support";

const city = readCity("jinan");

test("differential: the sample through ingest and relay equals simulate, total for total, rejection for rejection", async () => {
  const lines = sampleLines();
  const expected = reference(lines, city);
  // One worker keeps the sample's two deliberate conflicts in file order ("the first applied stands").
  const got = await throughStack(lines, { city, workers: 1, prefix: "differential" });

  expect(totals(got.messages)).toEqual(totals(expected.messages));
  expect(new Set(got.messages.map((m) => (m.kind === "release" ? m.releaseId : m.payoutId))).size).toBe(
    got.messages.length,
  );
  const rejection = (r: { source: string | null; id: string | null; reason: string; detail: string }) =>
    `${r.source} ${r.id} ${r.reason} ${r.detail}`;
  expect(sortBy(got.rejections, rejection).map(rejection)).toEqual(
    sortBy(expected.rejections, rejection).map(rejection),
  );
  const dead = (d: { source: string; id: string; type: string; why: string }) =>
    `${d.source} ${d.id} ${d.type} ${d.why}`;
  expect(sortBy(got.deadLetters, dead).map(dead)).toEqual(sortBy(expected.deadLetters, dead).map(dead));
  expect(got.messages.length).toBeGreaterThan(1000);
}, 180_000);
