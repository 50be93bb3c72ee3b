import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect, test } from "vitest";
import { readCity } from "../../shared/policy/files";
import { formatSummary, summarise } from "../../shared/simulate/summary";
import { byOutboxId, reference, rejectionSet, SAMPLE, sampleLines, sortBy, totals } from "./support";

const city = readCity("jinan");
const root = join(import.meta.dirname, "..", "..");
const ndjson = (file: string) =>
  readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l));

/**
 * `npm start` runs the sample through the stack made from the synthesised template: the real
 * handlers, DynamoDB Local, the SQS emulator, the relay on the stream. Its files must equal simulate's,
 * total for total, rejection for rejection, dead letter for dead letter.
 */
test("differential: npm start on the sample equals simulate, total for total, rejection for rejection", async () => {
  const dir = mkdtempSync(join(tmpdir(), "autogrant-start-"));
  const files = {
    out: join(dir, "payouts.ndjson"),
    rejects: join(dir, "rejects.ndjson"),
    dead: join(dir, "dead.ndjson"),
  };
  const { stdout } = await promisify(execFile)(
    "npx",
    [
      "tsx",
      "scripts/start.ts",
      "--events",
      SAMPLE,
      "--out",
      files.out,
      "--rejects",
      files.rejects,
      "--dead-letters",
      files.dead,
    ],
    { cwd: root, timeout: 170_000, maxBuffer: 10_000_000 },
  );
  const expected = reference(sampleLines(), city);
  const { messages, conflicting } = byOutboxId(ndjson(files.out));

  expect(conflicting).toEqual([]);
  expect(totals(messages)).toEqual(totals(expected.messages));
  expect(rejectionSet(ndjson(files.rejects))).toEqual(rejectionSet(expected.rejections));
  const dead = (d: { source: string; id: string; type: string; why: string }) =>
    `${d.source} ${d.id} ${d.type} ${d.why}`;
  expect(sortBy(ndjson(files.dead), dead).map(dead)).toEqual(sortBy(expected.deadLetters, dead).map(dead));
  expect(messages.length).toBeGreaterThan(1000);
  // The summary as simulate prints it: payout counts may split differently under concurrency, nets may not.
  const summary = formatSummary(
    summarise(expected.messages, expected.rejections, expected.deadLetters),
  ).split("\n");
  for (const line of summary.filter((l) => /^(total|rejections|dead letters)/.test(l)))
    expect(stdout).toContain(line);
}, 180_000);
