import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect, test } from "vitest";
import { reconcileLedger } from "../../shared/decisions/lifecycle/reconcile";
import { fenToYuan } from "../../shared/money";
import { readCity } from "../../shared/policy/files";
import { formatSummary, summarise } from "../../shared/simulate/summary";
import { tsx } from "../support/tsx";
import { byOutboxId, reference, rejectionSet, SAMPLE, sampleLines, sortBy, totals } from "./support";

const city = readCity("jinan");
const idOf = (line: string) => {
  try {
    const { source, id } = JSON.parse(line);
    return `${source} ${id}`;
  } catch {
    return "";
  }
};
const root = join(import.meta.dirname, "..", "..");
const ndjson = (file: string) =>
  readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l));
/** A line of a rejections file, as far as the reordering reads it. */
type Rejected = { source: string; id: string; reason: string; detail: string };

/**
 * Where two facts conflict, the first one applied stands (events.md § Natural keys): a batch that outlived
 * its timeout comes back later, so the stack may apply the other one first. The reference is simulate on
 * the sample with each fact the stack refused in favour of a rival moved to just after that rival.
 */
function referenceInStackOrder(simulated: ReturnType<typeof reference>, stackRejections: Rejected[]) {
  const refusedBySimulate = new Set(simulated.rejections.map((r) => `${r.source} ${r.id}`));
  const rivals = stackRejections
    .filter((r) => r.reason === "conflicting-duplicate" && !refusedBySimulate.has(`${r.source} ${r.id}`))
    .map((r) => ({
      lost: `${r.source} ${r.id}`,
      rival: /already stands \(([^,]+), ([^)]+)\)/.exec(r.detail),
    }));
  const reordered = sampleLines();
  for (const { lost, rival } of rivals) {
    if (!rival) continue;
    const moved = reordered.filter((l) => idOf(l) === lost);
    const rest = reordered.filter((l) => idOf(l) !== lost);
    const after = rest.findLastIndex((l) => idOf(l) === `${rival[1]} ${rival[2]}`);
    reordered.splice(0, reordered.length, ...rest.slice(0, after + 1), ...moved, ...rest.slice(after + 1));
  }
  return rivals.length ? reference(reordered, city) : simulated;
}

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
    ...tsx("scripts/start.ts", [
      ...["--events", SAMPLE, "--out", files.out],
      ...["--rejects", files.rejects, "--dead-letters", files.dead],
    ]),
    // A ceiling, not a measure: two suites side by side on 2 slow cores took the sample past 170 s.
    { cwd: root, timeout: 420_000, maxBuffer: 10_000_000 },
  );
  const simulated = reference(sampleLines(), city);
  const expected = referenceInStackOrder(simulated, ndjson(files.rejects));
  const lost = new Set(
    ndjson(files.rejects)
      .filter((r) => r.reason === "conflicting-duplicate")
      .map((r) => `${r.source} ${r.id}`),
  );
  expect(lost.size).toBe(simulated.rejections.filter((r) => r.reason === "conflicting-duplicate").length);
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
  // The payment lines by state, reconciled from the table as simulate reconciles its memory: the same money
  // in every state, to the fen, and every unit balanced. (How many lines may differ: under concurrency one
  // change can arrive as two, a payout and a clawback, and open a line more.)
  const reconciled = await reconcileLedger(expected.ledger, city);
  expect(reconciled.unbalanced).toEqual([]);
  expect(stdout).toContain(`reconciliation: ${reconciled.units.length} units, 0 unbalanced`);
  for (const [state, { fen }] of reconciled.states)
    expect(stdout).toMatch(new RegExp(`^${state} +[0-9]+ +${fenToYuan(fen).replace(".", "\\.")}$`, "m"));
}, 480_000);
