/**
 * npm run compare -- --city <id> --reform <city file> --events <in.ndjson> [--html <report.html>] [--csv <deltas.csv>]
 * What a reform of the city's policy would pay on the same facts: the stream is parsed once and decided under
 * `cities/<id>.json` and under the reform, then compared per program, district and beneficiary
 * (docs/compare.md). The terminal table first; `--html` writes the self-contained report, `--csv` one row
 * per beneficiary, program and period with both amounts.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { comparisonCsv } from "../reports/csv";
import { echartsScript } from "../reports/echarts";
import { comparisonHtml } from "../reports/html";
import { formatComparison } from "../reports/terminal";
import { fenToGroupedYuan } from "../shared/money";
import { CityConfigError } from "../shared/policy/errors";
import { readCity, readCityFile } from "../shared/policy/files";
import { compare, reformMismatch } from "../shared/simulate/compare";
import { storageWarnings } from "../shared/simulate/summary";
import { cityId, commandArgs, existingFile, parseFlags, required } from "./lib/cli";
import { UsageError } from "./lib/errors";
import { readStream } from "./lib/ndjson";

const USAGE =
  "npm run compare -- [--city <id>] --reform <city file> [--events <in.ndjson>] [--html <report.html>] [--csv <deltas.csv>]";

const args = commandArgs("compare", USAGE, (argv) => {
  const values = parseFlags(argv, {
    city: { type: "string", default: "jinan" },
    reform: { type: "string" },
    events: { type: "string", default: "examples/jinan-2024.ndjson" },
    html: { type: "string" },
    csv: { type: "string" },
  });
  const city = readCity(cityId(values.city));
  const reformFile = existingFile(required("reform", values.reform), "reform");
  const events = existingFile(values.events, "events");
  return { ...values, city, reform: validReform(reformFile, city), reformFile, events };
});

/** The reform validated as a city file is, and comparable with the city: one line if it is not. */
function validReform(file: string, city: ReturnType<typeof readCity>) {
  let reform: ReturnType<typeof readCity>;
  try {
    reform = readCityFile(file);
  } catch (error) {
    if (!(error instanceof CityConfigError)) throw error;
    throw new UsageError(`--reform ${JSON.stringify(file)}: ${error.problems.join("; ")}`, { cause: error });
  }
  const mismatch = reformMismatch(city, reform);
  if (mismatch) throw new UsageError(`--reform ${JSON.stringify(file)} ${mismatch}`);
  return reform;
}

const started = performance.now();
const comparison = compare(readStream(args.events), args.city, args.reform, () => new Date().toISOString());
const seconds = (performance.now() - started) / 1000;

console.log(`${args.city.file.name} (${args.city.city}): ${args.events}`);
console.log(`policy in force cities/${args.city.city}.json, reform ${args.reformFile}\n`);
console.log(formatComparison(comparison));
write(args.html, () =>
  comparisonHtml(
    comparison,
    { baseline: `cities/${args.city.city}.json`, reform: args.reformFile, events: args.events },
    echartsScript(),
  ),
);
write(args.csv, () => comparisonCsv(comparison));
// A reform that pays more can also write larger transactions and items than the stack can (payments.md).
for (const [side, result] of [
  ["policy in force", comparison.baseline],
  ["reform", comparison.reform],
] as const)
  for (const warning of storageWarnings(result)) console.log(`\n${side}: ${warning}`);
console.log(
  `\n${comparison.rows.length} rows (beneficiary, program, period); total ¥${fenToGroupedYuan(comparison.total.baselineFen)} → ` +
    `¥${fenToGroupedYuan(comparison.total.reformFen)}; compared in ${seconds.toFixed(2)} s` +
    [args.html, args.csv].map((file) => (file ? ` → ${file}` : "")).join(""),
);

function write(file: string | undefined, text: () => string): void {
  if (!file) return;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text());
}
