/**
 * Writes a seeded, realistic Jinan registry event stream: one CloudEvents 1.0 JSON document per line.
 *
 *   npm run sample -- [--seed N] [--count N] [--out path]
 *
 * Same seed and count, byte-identical file. Prints what the sample contains (see examples/README.md).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { performance } from "node:perf_hooks";
import { generateSample } from "../sample/generate";
import { formatStats } from "../sample/stats";

interface Options {
  readonly seed: number;
  readonly count: number;
  readonly out: string;
}

const DEFAULTS: Options = { seed: 2024, count: 1300, out: "examples/jinan-2024.ndjson" };

function parseArgs(argv: readonly string[]): Options {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const match = /^--(seed|count|out)(?:=(.*))?$/.exec(arg);
    if (!match?.[1])
      throw new Error(`unknown argument ${arg}; usage: generate-sample [--seed N] [--count N] [--out path]`);
    const value = match[2] ?? argv[++i];
    if (value === undefined) throw new Error(`--${match[1]} needs a value`);
    values.set(match[1], value);
  }
  return {
    seed: integer(values.get("seed"), DEFAULTS.seed, "seed"),
    count: integer(values.get("count"), DEFAULTS.count, "count"),
    out: values.get("out") ?? DEFAULTS.out,
  };
}

function integer(text: string | undefined, fallback: number, name: string): number {
  if (text === undefined) return fallback;
  if (!/^\d{1,9}$/.test(text)) throw new Error(`--${name} must be a non-negative integer, got ${text}`);
  return Number(text);
}

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const sample = generateSample(options);
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, `${sample.lines.join("\n")}\n`);
  const elapsed = performance.now() - started;
  if (options.count < sample.floor) {
    console.warn(`--count ${options.count} is below the ${sample.floor} lines the designed cases need`);
  }
  console.log(`wrote ${options.out} (seed ${options.seed}) in ${elapsed.toFixed(0)} ms\n`);
  console.log(formatStats(sample.stats));
}

main();
