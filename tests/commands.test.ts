/**
 * Every command, given arguments it cannot run with, says so in one line on stderr and exits 2, before it
 * does anything: no stack trace, no file read outside cities/, no `--now yesterday` written anywhere.
 * Each case is its own process (`npx tsx <command>`), all of them at once.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, type ExpectStatic, expect, test } from "vitest";
import {
  cityId,
  existingFile,
  instant,
  parseFlags,
  positiveNumber,
  required,
  wholeNumber,
} from "../scripts/lib/cli";
import { UsageError } from "../scripts/lib/errors";
import { tsx } from "./support/tsx";

const root = join(import.meta.dirname, "..");

const COMMANDS = [
  "scripts/simulate.ts",
  "scripts/compare.ts",
  "scripts/reconcile.ts",
  "scripts/start.ts",
  "scripts/export-schemas.ts",
  "scripts/generate-sample.ts",
  "scripts/allocate-budget.ts",
  "scripts/engines.ts",
  "bench/run.ts",
  "bench/measure-bundles.ts",
];

/** What each command is given, and what its one line must name. */
const BAD_ARGUMENTS: [string[], RegExp][] = [
  [["--city", "../package"], /--city/],
  [["--now", "yesterday"], /--now/],
  [["--no-such-flag"], /--no-such-flag/],
];

/** The command's exit code and output, given `args`. */
async function run(command: string, args: readonly string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(...tsx(command, args), {
      cwd: root,
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

/** Exit code 2, nothing on stdout, and one line on stderr that names the problem. */
async function expectRefused(command: string, args: readonly string[], names: RegExp, expect: ExpectStatic) {
  const { code, stdout, stderr } = await run(command, args);
  expect({ code, stdout, lines: stderr.split("\n").filter((line) => line !== "") }).toEqual({
    code: 2,
    stdout: "",
    lines: [expect.stringMatching(names)],
  });
}

describe.concurrent("bad arguments: one line on stderr, exit code 2", () => {
  const cases = COMMANDS.flatMap((command) =>
    BAD_ARGUMENTS.map(([args, names]) => [command, args.join(" "), args, names] as const),
  );
  test.for(cases)("%s %s", ([command, , args, names], { expect }) =>
    expectRefused(command, args, names, expect),
  );

  test.for([
    ["scripts/simulate.ts", ["--events", "no/such/file.ndjson"]],
    ["scripts/start.ts", ["--events", "no/such/file.ndjson"]],
  ] as const)("%s %j", ([command, args], { expect }) =>
    expectRefused(command, args, /--events "no\/such\/file\.ndjson": no such file/, expect),
  );

  // A reform is validated as a city file is, and must be the same city with the same districts.
  test.for([
    [[], /--reform is required/],
    [["--reform", "no/such.json"], /--reform "no\/such\.json": no such file/],
    [["--reform", "package.json"], /--reform "package\.json": city: Invalid input/],
    [
      ["--reform", "cities/chongqing.json"],
      /--reform "cities\/chongqing\.json" is a policy for chongqing, not jinan/,
    ],
  ] as const)("scripts/compare.ts %j", ([args, names], { expect }) =>
    expectRefused("scripts/compare.ts", args, names, expect),
  );
});

/** The checks behind those lines, in-process: what each says about a value it refuses. */
describe("argument checks", () => {
  test.each([
    ["an unknown flag", () => parseFlags(["--bogus"], {}), /^unknown option '--bogus'$/],
    [
      "a flag without its value",
      () => parseFlags(["--city"], { city: { type: "string" } }),
      /--city <value>' argument missing/,
    ],
    ["a stray argument", () => parseFlags(["jinan"], {}), /^Unexpected argument 'jinan'/],
    [
      "a city that has no file",
      () => cityId("wuhan"),
      /"wuhan" is not a city; the cities are chongqing, jinan/,
    ],
    ["a path for a city", () => cityId("../package"), /"..\/package" is not a city/],
    ["a date with no time", () => instant("2026-01-01", "now"), /^--now: must be an RFC 3339 date-time/],
    [
      "a day that does not exist",
      () => instant("2026-02-30T00:00:00Z", "now"),
      /^--now: 2026-02-30 is not a real calendar date$/,
    ],
    ["a directory for a file", () => existingFile("tests", "events"), /^--events "tests": no such file$/],
    ["a fraction for a count", () => wholeNumber("1.5", "count"), /^--count must be a whole number ≥ 0/],
    ["a period before year 1", () => wholeNumber("0", "period", 1), /^--period must be a whole number ≥ 1/],
    ["zero seconds", () => positiveNumber("0", "seconds"), /^--seconds must be a positive number/],
    ["a missing required flag", () => required("table", undefined), /^--table is required$/],
  ])("%s", (_what, check, message) => {
    expect(check).toThrow(UsageError);
    expect(check).toThrow(message);
  });

  test("a good instant is kept as written; a known city and an existing file pass", () => {
    expect(instant("2026-01-01T08:00:00+08:00", "now")).toBe("2026-01-01T08:00:00+08:00");
    expect(cityId("jinan")).toBe("jinan");
    expect(existingFile("package.json", "events")).toBe("package.json");
    expect(parseFlags(["--city", "jinan"], { city: { type: "string" } })).toEqual({ city: "jinan" });
  });
});
