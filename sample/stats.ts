import { FACT_TYPES } from "../shared/contract";
import type { Line } from "./assemble";
import { type Rejection, SPECIAL_CASES, type SpecialCase } from "./draft";

export interface Stats {
  readonly lines: number;
  readonly byType: ReadonlyMap<string, number>;
  readonly byCase: ReadonlyMap<SpecialCase, number>;
  readonly rejections: readonly Rejection[];
  /** Accepted messages by the year of their fact date. */
  readonly factYears: ReadonlyMap<number, number>;
  readonly checks: readonly string[];
}

const MALFORMED = "(not JSON)";

export function collectStats(lines: readonly Line[], checks: readonly string[]): Stats {
  const byType = new Map<string, number>();
  const byCase = new Map<SpecialCase, number>();
  const factYears = new Map<number, number>();
  const rejections: Rejection[] = [];
  for (const { draft, text } of lines) {
    increment(byType, typeOf(text));
    for (const c of draft.cases) increment(byCase, c);
    if (draft.rejection) rejections.push(draft.rejection);
    else increment(factYears, draft.factYear);
  }
  return { lines: lines.length, byType, byCase, rejections, factYears, checks };
}

function typeOf(text: string): string {
  try {
    const parsed: unknown = JSON.parse(text);
    if (
      typeof parsed === "object" &&
      parsed !== null &&
      "type" in parsed &&
      typeof parsed.type === "string"
    ) {
      return parsed.type;
    }
    return "(no type)";
  } catch {
    return MALFORMED;
  }
}

function increment<K>(map: Map<K, number>, key: K): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** The stats as plain text (printed by the script, pasted into examples/README.md). */
export function formatStats(stats: Stats): string {
  const width = 40;
  const row = (label: string, value: number | string): string =>
    `  ${label.padEnd(width)} ${String(value).padStart(5)}`;
  const known = FACT_TYPES.map((t) => row(t, stats.byType.get(t) ?? 0));
  const others = [...stats.byType]
    .filter(([t]) => !(FACT_TYPES as readonly string[]).includes(t))
    .map(([t, n]) => row(`${t} (rejected)`, n));
  const cases = (Object.keys(SPECIAL_CASES) as SpecialCase[]).map(
    (c) => `${row(c, stats.byCase.get(c) ?? 0)}  ${SPECIAL_CASES[c]}`,
  );
  const years = [...stats.factYears].sort(([a], [b]) => a - b).map(([year, n]) => row(String(year), n));
  const rejections = stats.rejections.map((r) => `  ${r.reason.padEnd(22)} ${r.what}`);
  return [
    `lines: ${stats.lines}`,
    "",
    "by type:",
    ...known,
    ...others,
    "",
    "by special case (lines):",
    ...cases,
    "",
    "accepted messages by fact-date year:",
    ...years,
    "",
    `rejected messages (${stats.rejections.length}, ${percent(stats.rejections.length, stats.lines)}), expected reason and cause:`,
    ...rejections,
    "",
    "designed boundaries (entitlements per the jinan-2023 table, on the facts that stand):",
    ...stats.checks.map((c) => `  ${c}`),
  ].join("\n");
}

function percent(part: number, whole: number): string {
  return `${((part * 100) / Math.max(1, whole)).toFixed(1)}%`;
}
