/**
 * Every command reads its arguments here: node:util parseArgs, strictly (no unknown flag, no stray
 * argument), then the values checked. A bad argument is a UsageError: one line on stderr, exit code 2,
 * never a stack trace, before the command has loaded anything heavy or touched anything.
 */
import { existsSync, statSync } from "node:fs";
import { type ParseArgsOptionsConfig, parseArgs } from "node:util";
import { parseTime } from "../../shared/contract/time";
import { cityIds } from "../../shared/policy/files";
import { UsageError } from "./errors";

/** The command's arguments as `read` makes them, or, if they are wrong, one line on stderr and exit 2. */
export function commandArgs<T>(
  command: string,
  usage: string,
  read: (argv: readonly string[]) => T,
  argv: readonly string[] = process.argv.slice(2),
): T {
  try {
    return read(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${command}: ${error.message}; usage: ${usage}\n`);
    process.exit(2);
  }
}

/** The flags, as node:util parseArgs reads them with `strict`; its complaint, first line only, as a UsageError. */
export function parseFlags<const O extends ParseArgsOptionsConfig>(argv: readonly string[], options: O) {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    const message = error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
    throw new UsageError(message.replace(/^Unknown option/, "unknown option"), { cause: error });
  }
}

export function required<T>(flag: string, value: T | undefined): T {
  if (value === undefined) throw new UsageError(`--${flag} is required`);
  return value;
}

/** A city id: the name of a file under cities/ without `.json`, so no path can reach outside it. */
export function cityId(value: string, flag = "city"): string {
  const known = cityIds();
  if (!known.includes(value)) {
    throw new UsageError(
      `--${flag} ${JSON.stringify(value)} is not a city; the cities are ${known.join(", ")}`,
    );
  }
  return value;
}

/** An RFC 3339 instant with an offset, as the contract reads `time` (shared/contract/time.ts). */
export function instant(value: string, flag: string): string {
  const parsed = parseTime(value);
  if (!parsed.ok) throw new UsageError(`--${flag}: ${parsed.problem}`);
  return value;
}

export function existingFile(value: string, flag: string): string {
  if (!existsSync(value) || !statSync(value).isFile()) {
    throw new UsageError(`--${flag} ${JSON.stringify(value)}: no such file`);
  }
  return value;
}

/** A whole number ≥ `min`, written in plain digits. */
export function wholeNumber(value: string, flag: string, min = 0): number {
  const number = Number(value);
  if (!/^\d{1,9}$/.test(value) || number < min) {
    throw new UsageError(`--${flag} must be a whole number ≥ ${min}, got ${JSON.stringify(value)}`);
  }
  return number;
}

export function positiveNumber(value: string, flag: string): number {
  const number = Number(value);
  if (value.trim() === "" || !Number.isFinite(number) || number <= 0) {
    throw new UsageError(`--${flag} must be a positive number, got ${JSON.stringify(value)}`);
  }
  return number;
}
