/**
 * The replay figure (issue 16 § Scale): `npm run simulate`'s in-memory replay on a province's five years
 * (bench/replay-stream.ts), this tree against the previous release in the same run. Each measurement is a
 * child process running that tree's own `scripts/simulate.ts` (the previous release from a git worktree of
 * its commit), with bench/peak-memory.mjs preloaded to report the child's peak RSS; events/s is the one the
 * command prints (the replay alone: reading the file and writing outputs are outside its clock).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createReadStream, existsSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { cachedProvinceStream } from "./replay-stream";

/** The release before the scale work: main when issue 16's scale part began. */
export const PREVIOUS_RELEASE = "c87f048";
export const PROVINCE = { seed: 2024, facts: 1_500_000 } as const;
/** The previous release replays this many of the province's first facts (see README: it is quadratic). */
export const PREVIOUS_RELEASE_FACTS = 50_000;
const AT = "2026-12-01T00:00:00.000Z";
/** The same heap ceiling for both trees, so neither is measured against V8's default limit. */
const HEAP_MIB = 16_384;

export interface ReplayRun {
  tree: string;
  commit: string;
  stream: string;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  /** Peak resident set size of the whole child (getrusage), input lines and outputs included. */
  maxRssBytes: number;
  bytesPerEvent: number;
  /** The command's whole run: start-up, reading, the replay, writing and reconciliation. */
  wallSeconds: number;
  outcomes: string;
  /** Events/s of each run, when the figure combines two (previous, this, this, previous). */
  runs?: number[];
}

/** A git worktree of `commit` (made once, kept in the temp dir) with this tree's node_modules. */
export function releaseTree(root: string, commit: string): string {
  const dir = join(tmpdir(), `autogrant-release-${commit}`);
  if (!existsSync(join(dir, "scripts", "simulate.ts"))) {
    rmSync(dir, { recursive: true, force: true });
    execFileSync("git", ["-C", root, "worktree", "prune"]);
    execFileSync("git", ["-C", root, "worktree", "add", "--detach", "--force", dir, commit], {
      stdio: "ignore",
    });
  }
  if (!existsSync(join(dir, "node_modules")))
    symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
  return dir;
}

/** `npm run simulate` of `tree` on `stream`, in a child process of its own. */
export function replayIn(tree: string, stream: string, label: string): ReplayRun {
  const peakFile = join(tmpdir(), `autogrant-replay-peak-${process.pid}-${label}.json`);
  const out = join(tmpdir(), `autogrant-replay-${process.pid}-${label}.ndjson`);
  const args = [
    `--max-old-space-size=${HEAP_MIB}`,
    "--import",
    "tsx",
    "--import",
    join(import.meta.dirname, "peak-memory.mjs"),
    "scripts/simulate.ts",
    ...["--city", "jinan", "--events", stream, "--out", out, "--now", AT],
  ];
  const started = performance.now();
  const child = spawnSync(process.execPath, args, {
    cwd: tree,
    encoding: "utf8",
    env: { ...process.env, REPLAY_PEAK_FILE: peakFile },
    maxBuffer: 64 * 2 ** 20,
  });
  const wallSeconds = (performance.now() - started) / 1000;
  if (child.status !== 0) throw new Error(`simulate in ${tree} failed: ${child.stderr.slice(-2000)}`);
  const last = child.stdout.trim().split("\n").at(-1) ?? "";
  const found = /^(\d+) events \((.*)\) in ([\d.]+) s = (\d+) events\/s/.exec(last);
  if (!found) throw new Error(`simulate in ${tree} printed no figure: ${last}`);
  const peak = JSON.parse(readFileSync(peakFile, "utf8")) as { maxRssBytes: number };
  rmSync(peakFile, { force: true });
  rmSync(out, { force: true });
  const events = Number(found[1]);
  return {
    tree,
    commit: execFileSync("git", ["-C", tree, "rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim(),
    stream,
    events,
    seconds: Number(found[3]),
    eventsPerSecond: Number(found[4]),
    maxRssBytes: peak.maxRssBytes,
    bytesPerEvent: peak.maxRssBytes / events,
    wallSeconds,
    outcomes: found[2] ?? "",
  };
}

/** Two runs of one tree on one stream as one figure: events over seconds summed, the larger peak. */
function combined(a: ReplayRun, b: ReplayRun): ReplayRun {
  const events = a.events + b.events;
  const seconds = a.seconds + b.seconds;
  const maxRssBytes = Math.max(a.maxRssBytes, b.maxRssBytes);
  return {
    ...a,
    seconds,
    eventsPerSecond: Math.round(events / seconds),
    maxRssBytes,
    bytesPerEvent: maxRssBytes / a.events,
    wallSeconds: a.wallSeconds + b.wallSeconds,
    runs: [a.eventsPerSecond, b.eventsPerSecond],
  };
}

/** The first `facts` lines of a stream file, written beside it once (a prefix in delivery order). */
export async function prefixOf(stream: string, facts: number): Promise<string> {
  const path = stream.replace(/\.ndjson$/, `.first-${facts}.ndjson`);
  if (existsSync(path)) return path;
  const lines: string[] = [];
  for await (const line of createInterface({ input: createReadStream(stream) })) {
    lines.push(line);
    if (lines.length === facts) break;
  }
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

/** `npm run compare` of this tree with the committed reform, its wall time next to one replay's. */
export function compareIn(tree: string, stream: string): { wallSeconds: number; comparedSeconds: number } {
  const started = performance.now();
  const child = spawnSync(
    process.execPath,
    [
      `--max-old-space-size=${HEAP_MIB}`,
      "--import",
      "tsx",
      "scripts/compare.ts",
      ...["--city", "jinan", "--reform", "examples/reforms/jinan-floor.json", "--events", stream],
    ],
    { cwd: tree, encoding: "utf8", maxBuffer: 64 * 2 ** 20 },
  );
  const wallSeconds = (performance.now() - started) / 1000;
  if (child.status !== 0) throw new Error(`compare failed: ${child.stderr.slice(-2000)}`);
  const found = /compared in ([\d.]+) s/.exec(child.stdout);
  return { wallSeconds, comparedSeconds: Number(found?.[1] ?? Number.NaN) };
}

export interface ReplayFigures {
  previousRelease: string;
  province: { seed: number; facts: number; stream: string; generatedSeconds: number | null };
  sample: { previous: ReplayRun; current: ReplayRun; speedRatio: number };
  prefix: { facts: number; previous: ReplayRun; current: ReplayRun; speedRatio: number; memoryRatio: number };
  /** This tree on the whole province stream (the previous release is not run on it: see README). */
  provinceCurrent: ReplayRun;
  compare: {
    stream: string;
    wallSeconds: number;
    comparedSeconds: number;
    replaySeconds: number;
    ratio: number;
  };
}

/** Every replay figure, in one run: the sample and the province's first facts on both trees, then 1.5M. */
export async function measureReplay(
  root: string,
  sampleFile: string,
  sizes: { facts: number; previousFacts: number },
): Promise<ReplayFigures> {
  const previous = releaseTree(root, PREVIOUS_RELEASE);
  const began = performance.now();
  const provinceOptions = { seed: PROVINCE.seed, facts: sizes.facts };
  const province = cachedProvinceStream(provinceOptions, root);
  const generatedSeconds = province.made ? (performance.now() - began) / 1000 : null;
  console.log(
    `replay: province stream ${province.path}${province.made ? ` made in ${generatedSeconds?.toFixed(0)} s` : " (cached)"}`,
  );
  const run = (tree: string, stream: string, label: string) => {
    const figure = replayIn(tree, stream, label);
    console.log(
      `replay ${label}: ${figure.events} events at ${figure.eventsPerSecond} events/s, peak RSS ${(figure.maxRssBytes / 2 ** 20).toFixed(0)} MiB (${(figure.bytesPerEvent / 1024).toFixed(2)} KiB/event)`,
    );
    return figure;
  };
  // Previous, this, this, previous: a change of load on the machine during the pair hits both alike.
  const pair = (stream: string, label: string) => {
    const [p1, c1, c2, p2] = [
      run(previous, stream, `${label}-previous`),
      run(root, stream, `${label}-current`),
      run(root, stream, `${label}-current`),
      run(previous, stream, `${label}-previous`),
    ] as [ReplayRun, ReplayRun, ReplayRun, ReplayRun];
    return { previous: combined(p1, p2), current: combined(c1, c2) };
  };
  const sample = pair(sampleFile, "sample");
  const samplePrevious = sample.previous;
  const sampleCurrent = sample.current;
  const prefixFacts = Math.min(sizes.previousFacts, sizes.facts);
  const prefix = await prefixOf(province.path, prefixFacts);
  const { previous: prefixPrevious, current: prefixCurrent } = pair(prefix, "prefix");
  const full = run(root, province.path, "province-current");
  const compared = compareIn(root, prefix);
  console.log(
    `compare on ${prefixFacts} facts: ${compared.comparedSeconds.toFixed(2)} s (one replay ${(prefixFacts / prefixCurrent.eventsPerSecond).toFixed(2)} s)`,
  );
  return {
    previousRelease: PREVIOUS_RELEASE,
    province: { ...provinceOptions, stream: province.path, generatedSeconds },
    sample: {
      previous: samplePrevious,
      current: sampleCurrent,
      speedRatio: sampleCurrent.eventsPerSecond / samplePrevious.eventsPerSecond,
    },
    prefix: {
      facts: prefixFacts,
      previous: prefixPrevious,
      current: prefixCurrent,
      speedRatio: prefixCurrent.eventsPerSecond / prefixPrevious.eventsPerSecond,
      memoryRatio: prefixCurrent.maxRssBytes / prefixPrevious.maxRssBytes,
    },
    provinceCurrent: full,
    compare: {
      stream: prefix,
      ...compared,
      replaySeconds: prefixFacts / prefixCurrent.eventsPerSecond,
      ratio: compared.comparedSeconds / (prefixFacts / prefixCurrent.eventsPerSecond),
    },
  };
}
