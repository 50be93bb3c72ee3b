/**
 * A stream with lines no registry could have sent — bytes that are not UTF-8, a raw U+FFFF — and names
 * outside the Basic Multilingual Plane, through both CLIs: `npm start` (the local stack) and `simulate`
 * refuse the same lines, write the same refused file, carry on, and settle to the same totals. Lines
 * outside their source's authority, or timed a century after the queue took them, are rejected alike by
 * both: each line is sent as the publisher owning its source sends it (events.md § Publishers).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect, test } from "vitest";
import { usccFor } from "../support/parties";
import { tsx } from "../support/tsx";
import { byOutboxId, totals } from "./support";

const root = join(import.meta.dirname, "..", "..");
const run = promisify(execFile);
const ndjson = (file: string) =>
  readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l));

const granted = (n: number, name: string) =>
  JSON.stringify({
    specversion: "1.0",
    id: `CERT-REFUSED-${n}`,
    source: "registry/hte-certification",
    type: "hte.certification.granted",
    time: "2024-11-20T09:30:00+08:00",
    city: "jinan",
    data: {
      certificateNo: `GR2024370099${n}`,
      enterprise: { uscc: usccFor(`REFUSED${n}`), name },
      kind: "first",
      scale: "below",
      district: "370102",
      issuedOn: "2024-11-20",
    },
  });

/** The tech market revoking certificate 1: a type its source may not assert. */
const outOfAuthority = () =>
  JSON.stringify({
    specversion: "1.0",
    id: "REV-OUT-OF-AUTHORITY",
    source: "registry/tech-market",
    type: "hte.certification.revoked",
    time: "2024-11-21T09:30:00+08:00",
    city: "jinan",
    data: { certificateNo: "GR20243700991", revokedOn: "2024-11-21", reason: "越权撤销" },
  });

test("unsendable lines are refused and skipped alike by npm start and simulate; supplementary names pay", async () => {
  const dir = mkdtempSync(join(tmpdir(), "autogrant-refused-"));
  const [before, after] = granted(3, "济南NAME科技有限公司").split("NAME");
  const stream = Buffer.concat([
    Buffer.from(`${granted(1, "𠀋𡈽𪚥科技有限公司")}\n`),
    Buffer.from(`${granted(2, "济南\uFFFF科技有限公司")}\n`), // a raw U+FFFF: SQS refuses it
    Buffer.from(before ?? ""),
    Buffer.from([0xff, 0xfe]), // not UTF-8 at all: no SendMessage can carry it
    Buffer.from(`${after}\n`),
    Buffer.from(`${granted(4, "🚀 创客科技有限公司")}\n`),
    Buffer.from(`${outOfAuthority()}\n`),
    Buffer.from(
      `${JSON.stringify({ ...JSON.parse(granted(5, "未来科技有限公司")), time: "2124-11-20T09:30:00+08:00" })}\n`,
    ),
  ]);
  const events = join(dir, "events.ndjson");
  writeFileSync(events, stream);
  const files = (name: string) => ({
    out: join(dir, `${name}-payouts.ndjson`),
    refused: join(dir, `${name}-refused.ndjson`),
    rejects: join(dir, `${name}-rejects.ndjson`),
  });
  const cli = (script: string, name: string) => {
    const f = files(name);
    const args = ["--events", events, "--out", f.out, "--refused", f.refused, "--rejects", f.rejects];
    return run(...tsx(script, args), {
      cwd: root,
      timeout: 110_000,
    });
  };
  const [started, simulated] = await Promise.all([
    cli("scripts/start.ts", "start"),
    cli("scripts/simulate.ts", "simulate"),
  ]);

  const expectedRefused = [
    {
      line: 2,
      reason: "invalid-characters",
      detail: `U+FFFF at UTF-16 offset ${granted(2, "济南\uFFFF科技有限公司").indexOf("\uFFFF")} is not a character SQS accepts`,
    },
    { line: 3, reason: "invalid-utf8", detail: "is not valid UTF-8" },
  ];
  expect(ndjson(files("simulate").refused)).toEqual(expectedRefused);
  expect(ndjson(files("start").refused)).toEqual(expectedRefused);
  for (const { stdout } of [started, simulated])
    expect(stdout).toContain("refused by the queue (never sent): 2");

  const rejected = (name: string) =>
    ndjson(files(name).rejects)
      .map((r) => [r.id, r.reason, r.detail.replace(/\(20\d\d-[^)]*\)$/, "(…)")])
      .sort();
  expect(rejected("start")).toEqual(rejected("simulate"));
  expect(rejected("simulate")).toEqual([
    [
      "CERT-REFUSED-5",
      "future-time",
      "time: 2124-11-20T01:30:00.000000000Z is more than 15 minutes after the queue accepted the message (…)",
    ],
    [
      "REV-OUT-OF-AUTHORITY",
      "not-authorised",
      'type: the publisher of "registry/tech-market" may not assert hte.certification.revoked',
    ],
  ]);

  const startPayouts = byOutboxId(ndjson(files("start").out)).messages;
  expect(totals(startPayouts)).toEqual(totals(ndjson(files("simulate").out)));
  expect(startPayouts.map((m) => "beneficiary" in m && m.beneficiary.name).sort()).toEqual(
    ["𠀋𡈽𪚥科技有限公司", "🚀 创客科技有限公司"].sort(),
  );
}, 120_000);
