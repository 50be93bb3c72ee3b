/**
 * A province's five years as one Jinan stream, for the replay figure: the sample generator's registries
 * (sample/generate.ts `registryFacts`: the designed cases, then background facts from more enterprises,
 * teams and years, 2022–2026) and a payment lifecycle that scales with them — a clock day every month,
 * every program-period's lines closed in a batch each quarter and approved after its publicity, most
 * beneficiaries confirming an account, and the treasury paying what was instructed. Line and instruction
 * ids are the core's, so the lifecycle is added in two replays of what is built so far (as the sample's
 * `Lifecycle` does). Same seed and size, same lines.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { assemble } from "../sample/assemble";
import {
  addDays,
  chinaInstant,
  type IsoDate,
  isoDate,
  officeHours,
  weekday,
  yearOf,
} from "../sample/calendar";
import type { Draft, DraftBook } from "../sample/draft";
import { registryFacts } from "../sample/generate";
import { REPLAYED_AT } from "../sample/ledger-view";
import { Rng } from "../sample/rng";
import type { Context } from "../sample/scenarios/context";
import type { BatchItem, LineItem } from "../shared/decisions/lifecycle/items";
import { fenToYuan } from "../shared/money";
import type { CityPolicy } from "../shared/policy/city";
import { readCity } from "../shared/policy/files";
import { simulate } from "../shared/simulate/simulate";

/** The sample's share of lifecycle facts is about a tenth; the registries get the rest of the size. */
const REGISTRY_SHARE = 0.9;
const PREPARER = { id: "wang.min", name: "王敏", roles: ["preparer"] };
const APPROVER = { id: "zhang.qiang", name: "张强", roles: ["approver"] };
/** Closing days: the first working day of each quarter; approval three weeks later, past any publicity. */
const QUARTERS = [1, 4, 7, 10];
const APPROVAL_AFTER_DAYS = 21;
/** About the sample's share of confirmations (38 of 1,451 lines); disbursements fill the size up. */
const CONFIRMATION_SHARE = 0.03;
/** At most, beneficiaries who confirm an account in time (the sample's voucher list: 36 of about 45). */
const CONFIRMING = 0.8;

export interface StreamOptions {
  readonly seed: number;
  readonly facts: number;
}

/** `log` hears each step's end: making 1.5 million facts takes an hour. */
export function provinceStream(
  { seed, facts }: StreamOptions,
  log: (step: string) => void = () => {},
): string[] {
  const city = readCity("jinan");
  const registry = registryFacts({ seed, count: Math.round(facts * REGISTRY_SHARE) });
  log(`${registry.book.size} registry facts drafted`);
  const life = new ProvinceLifecycle(registry.context("province-lifecycle"), city);
  const render = () => assemble(registry.book.drafts, Rng.derive(seed, "ids")).map((l) => l.text);
  life.clocks();
  // Only lines and batches are read back: no history items, no outbox kept.
  const replay = () =>
    simulate(render(), city, () => REPLAYED_AT, undefined, { history: false, onMessage: () => {} });
  life.batches(replay().items.values());
  log(`first replay done: ${registry.book.size} facts with batches`);
  life.confirmations(Math.round(facts * CONFIRMATION_SHARE));
  const room = facts - registry.book.size;
  life.payments(replay().items.values(), room);
  log(`second replay done: ${registry.book.size} facts with payments`);
  return render();
}

/** The stream from the cache (`bench/.cache`, keyed by the options and the generator's sources), or made. */
export function cachedProvinceStream(options: StreamOptions, root: string): { path: string; made: boolean } {
  // Not keyed on shared/: the replay's outputs are pinned (tests/replay-digests.json), so the ids it reads back are too.
  const sources = ["bench/replay-stream.ts", "sample", "cities/jinan.json"];
  const digest = createHash("sha256").update(JSON.stringify(options));
  for (const file of sourceFiles(root, sources)) digest.update(file).update(readFileSync(join(root, file)));
  const dir = join(root, "bench/.cache");
  const path = join(
    dir,
    `province-${options.seed}-${options.facts}-${digest.digest("hex").slice(0, 12)}.ndjson`,
  );
  if (existsSync(path)) return { path, made: false };
  mkdirSync(dir, { recursive: true });
  // In a child with a large heap: making 1.5 million facts replays them twice, past V8's default limit. A
  // larger young generation promotes fewer short-lived objects: ~15 % faster on 50,000 facts (simulate's 50,000-fact prefix: 2,478 → 2,856 events/s).
  const child = spawnSync(
    process.execPath,
    [
      "--max-old-space-size=16384",
      "--max-semi-space-size=64",
      "--import",
      "tsx",
      fileURLToPath(import.meta.url),
    ],
    {
      cwd: root,
      stdio: "inherit",
      env: { ...process.env, PROVINCE_STREAM: JSON.stringify({ ...options, path }) },
    },
  );
  if (child.status !== 0) throw new Error(`making the province stream failed (exit ${child.status})`);
  return { path, made: true };
}

function sourceFiles(root: string, entries: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    if (statSync(join(root, rel)).isDirectory()) {
      for (const name of readdirSync(join(root, rel)).sort()) walk(join(rel, name));
    } else if (rel.endsWith(".ts") || rel.endsWith(".json")) out.push(rel);
  };
  for (const entry of entries) walk(entry);
  return out;
}

class ProvinceLifecycle {
  readonly #ctx: Context;
  readonly #city: CityPolicy;
  readonly #clockDays = new Set<IsoDate>();
  /** Beneficiaries with a line in an approved batch, and the day it was approved. */
  readonly #approved = new Map<string, { kind: string; id: string; approvedOn: IsoDate }>();

  constructor(ctx: Context, city: CityPolicy) {
    this.#ctx = ctx;
    this.#city = city;
  }

  get #book(): DraftBook {
    return this.#ctx.book;
  }

  /** The ledger's date moves on the first working day of every month, from before the first fact. */
  clocks(): void {
    for (let year = 2022; year <= 2027; year++) {
      for (let month = 1; month <= 12; month++) this.#clock(weekday(isoDate(year, month, 4)));
    }
  }

  /** Each quarter, every program-period with lines opened since its last cut-off is closed, then approved. */
  batches(items: Iterable<{ entity: string }>): void {
    const opened = new Map<string, { program: string; period: number; lines: LineItem[] }>();
    for (const item of items) {
      if (item.entity !== "line") continue;
      const line = item as LineItem;
      const id = `${line.program}-${line.period}`;
      const entry = opened.get(id) ?? { program: line.program, period: line.period, lines: [] };
      entry.lines.push(line);
      opened.set(id, entry);
    }
    for (const { program, period, lines } of [...opened.values()].sort(byProgramPeriod)) {
      let seq = 0;
      let from = "";
      for (const closeOn of closingDays()) {
        const batch = lines.filter((l) => (l.openedOn ?? "") >= from && (l.openedOn ?? "") < closeOn);
        if (!batch.length) continue;
        from = closeOn;
        const approveOn = this.#close(`${program}-${period}-${++seq}`, closeOn);
        for (const { beneficiary } of batch) {
          if (!this.#approved.has(beneficiary.id))
            this.#approved.set(beneficiary.id, { ...beneficiary, approvedOn: approveOn });
        }
      }
    }
  }

  #close(batchId: string, closeOn: IsoDate): IsoDate {
    const approveOn = weekday(addDays(closeOn, APPROVAL_AFTER_DAYS));
    this.#clock(closeOn);
    this.#clock(approveOn);
    this.#staff("batch.closed", closeOn, { batchId, actor: PREPARER });
    this.#staff("batch.approved", approveOn, { batchId, actor: APPROVER });
    return approveOn;
  }

  /** Most beneficiaries confirm an account within days of their first approved line; the rest lapse. */
  confirmations(wanted: number): void {
    const exempt = this.#city.payments.settings.confirmationExemptKinds as readonly string[];
    const { rng } = this.#ctx;
    const chance = Math.min(CONFIRMING, wanted / Math.max(1, this.#approved.size));
    for (const { kind, id, approvedOn } of this.#approved.values()) {
      if (exempt.includes(kind) || !rng.chance(chance)) continue;
      const confirmedOn = weekday(addDays(approvedOn, rng.int(1, 9)));
      this.#add(
        "payee.confirmed",
        officeHours(rng, confirmedOn),
        {
          beneficiary: { kind, id },
          accountRef: `ACCT-${rng.chars("0123456789ABCDEF", 8)}`,
          confirmedOn,
        },
        confirmedOn,
      );
    }
  }

  /** The treasury pays each instruction a few days after it (and after the account's confirmation), up to `room` facts. */
  payments(items: Iterable<{ entity: string }>, room: number): void {
    const { rng } = this.#ctx;
    let reference = 0;
    for (const item of items) {
      if (item.entity !== "batch") continue;
      for (const instruction of Object.values((item as BatchItem).instructions)) {
        if (reference >= room) return;
        const paidOn = weekday(addDays(instruction.instructedOn, rng.int(1, 4)));
        this.#add(
          "disbursement.paid",
          officeHours(rng, paidOn),
          {
            instructionId: instruction.instructionId,
            reference: `TSY-${paidOn.replaceAll("-", "")}-${String(++reference).padStart(7, "0")}`,
            paidOn,
            amount: fenToYuan(instruction.amountFen),
          },
          paidOn,
        );
      }
    }
  }

  #clock(date: IsoDate): void {
    if (this.#clockDays.has(date)) return;
    this.#clockDays.add(date);
    const at = chinaInstant(date, 0, 0, this.#ctx.rng.int(1, 9));
    const scheduledTime = new Date(chinaInstant(date, 0, 0)).toISOString().replace(".000Z", "Z");
    this.#add("clock.day", at, { scheduledTime }, date, "utc");
  }

  #staff(type: "batch.closed" | "batch.approved", date: IsoDate, data: Record<string, unknown>): void {
    this.#add(type, officeHours(this.#ctx.rng, date), data, date);
  }

  #add(type: Draft["type"], time: number, data: Record<string, unknown>, date: IsoDate, style?: "utc"): void {
    this.#book.add({ type, data: data as never, time, factYear: yearOf(date), ...(style ? { style } : {}) });
  }
}

function closingDays(): IsoDate[] {
  const days: IsoDate[] = [];
  for (let year = 2022; year <= 2027; year++) {
    for (const month of QUARTERS) days.push(weekday(isoDate(year, month, 4)));
  }
  return days;
}

const byProgramPeriod = (a: { program: string; period: number }, b: { program: string; period: number }) =>
  a.program < b.program ? -1 : a.program > b.program ? 1 : a.period - b.period;

/** The child: `PROVINCE_STREAM='{"seed":…,"facts":…,"path":…}' node --import tsx bench/replay-stream.ts`. */
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { path, ...options } = JSON.parse(process.env.PROVINCE_STREAM ?? "{}") as StreamOptions & {
    path: string;
  };
  // A thousand lines per write: 1.5 million lines joined would pass V8's longest string (~512 MiB); and
  // renamed when whole, so a run stopped midway leaves no cache file.
  const began = performance.now();
  const log = (step: string) =>
    console.error(`province stream: ${step} (${((performance.now() - began) / 1000).toFixed(0)} s)`);
  const lines = provinceStream(options, log);
  const partial = `${path}.partial`;
  writeFileSync(partial, "");
  for (let i = 0; i < lines.length; i += 1000)
    appendFileSync(partial, `${lines.slice(i, i + 1000).join("\n")}\n`);
  renameSync(partial, path);
}
