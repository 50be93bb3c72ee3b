/**
 * Bundle size and cold module-init time of each Lambda, built two ways:
 *   bundled      — what the stack deploys: AWS SDK bundled and tree-shaken (externalModules: []).
 *   sdk-external — the same build with `@aws-sdk/*` left external, resolved from node_modules at import.
 * Init time = one dynamic import() of the built file in a fresh Node 22 process, with the function's
 * env vars (and NODE_OPTIONS=--enable-source-maps, as deployed); median of RUNS processes.
 *
 *   npx tsx bench/measure-bundles.ts [--city <id>]      (default: jinan)
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import {
  cityDefine,
  ENTRIES,
  type FunctionName,
  MAIN_FIELDS,
  NODE_TARGET,
  REPO_ROOT,
} from "../infra/bundling";
import { cityId, commandArgs, parseFlags } from "../scripts/lib/cli";
import { CITIES_DIR, readCity } from "../shared/policy/files";

const RUNS = 10;
/** Inside the repo (git-ignored) so that the sdk-external build resolves @aws-sdk from node_modules. */
const OUT = join(REPO_ROOT, "cdk.out", "measure-bundles");

type Variant = "bundled" | "sdk-external";

const FUNCTION_ENV: Record<FunctionName, Record<string, string>> = {
  ingest: { TABLE_NAME: "measure-table", REJECTED_QUEUE_URL: "https://sqs.invalid/000000000000/rejected" },
  relay: Object.fromEntries(
    ["payouts", "publicity", "notices", "instructions", "receivables"].map((q) => [
      `${q.toUpperCase()}_QUEUE_URL`,
      `https://sqs.invalid/000000000000/${q}.fifo`,
    ]),
  ),
  workbench: {
    TABLE_NAME: "measure-table",
    STAFF_QUEUE_URL: "https://sqs.invalid/000000000000/ingest-workbench",
  },
};

async function bundle(fn: FunctionName, variant: Variant, rawCity: unknown): Promise<string> {
  const outfile = join(OUT, `${fn}-${variant}`, "index.mjs");
  await build({
    entryPoints: [join(REPO_ROOT, ENTRIES[fn])],
    bundle: true,
    platform: "node",
    target: NODE_TARGET,
    format: "esm",
    mainFields: MAIN_FIELDS,
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    define: cityDefine(rawCity),
    external: variant === "sdk-external" ? ["@aws-sdk/*"] : [],
    outfile,
    logLevel: "warning",
  });
  return outfile;
}

/** One fresh process: milliseconds spent in `await import(bundle)`, handler checked to be a function. */
function initOnce(file: string, env: Record<string, string>): number {
  const script = `const t = performance.now(); const m = await import(${JSON.stringify(pathToFileURL(file).href)});
if (typeof m.handler !== "function") throw new Error("no handler export");
process.stdout.write(String(performance.now() - t));`;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    env: {
      PATH: process.env.PATH ?? "",
      AWS_REGION: "cn-north-1",
      NODE_OPTIONS: "--enable-source-maps",
      ...env,
    },
    encoding: "utf8",
  });
  return Number(out);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

async function main(): Promise<void> {
  const city = commandArgs("measure-bundles", "npx tsx bench/measure-bundles.ts [--city <id>]", (argv) =>
    cityId(parseFlags(argv, { city: { type: "string", default: "jinan" } }).city),
  );
  readCity(city); // validate first: a broken city file fails here, naming the field
  const rawCity: unknown = JSON.parse(readFileSync(join(CITIES_DIR, `${city}.json`), "utf8"));
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  if (!process.versions.node.startsWith("22."))
    throw new Error(`run on Node 22 (npx tsx), not ${process.version}`);

  const rows: string[] = [];
  for (const fn of Object.keys(ENTRIES) as FunctionName[]) {
    for (const variant of ["bundled", "sdk-external"] as const) {
      const file = await bundle(fn, variant, rawCity);
      const env = { AUTOGRANT_CITY: city, ...FUNCTION_ENV[fn] };
      initOnce(file, env); // warm the OS file cache so every measured run starts alike
      const times = Array.from({ length: RUNS }, () => initOnce(file, env));
      const kb = statSync(file).size / 1024;
      const mapKb = statSync(`${file}.map`).size / 1024;
      const range = `${Math.min(...times).toFixed(1)}–${Math.max(...times).toFixed(1)}`;
      rows.push(
        `| ${fn} | ${variant} | ${kb.toFixed(1)} | ${mapKb.toFixed(1)} | ${median(times).toFixed(1)} | ${range} |`,
      );
    }
  }
  console.log(`Node ${process.version}, city ${city}, median of ${RUNS} fresh processes\n`);
  console.log("| function | build | bundle KB | source map KB | init ms (median) | init ms (min–max) |");
  console.log("| --- | --- | ---: | ---: | ---: | ---: |");
  for (const row of rows) console.log(row);
}

await main();
