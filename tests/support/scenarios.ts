import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { FactType } from "../../shared/contract";
import type { FunderLine } from "../../shared/decisions/payouts";
import { readCity } from "../../shared/policy/files";
import { beneficiaryId, expandParties } from "./parties";

/** One scenario: events in, payouts out, exact to the fen — the policy table as data. */
export interface Scenario {
  name: string;
  events: ScenarioEvent[];
  /**
   * Every payout and clawback message, in order: `[program, beneficiary alias, period, amount]`, and for a
   * program that names funders its funder lines, `{ city: "60000.00", district: "90000.00" }` (payouts.md § Funders).
   */
  payouts: [string, string | number, number, string, Record<string, string>?][];
  /** The payouts among them sent `awaiting-budget`, in order: `[program, beneficiary alias, period, amount]`. */
  held?: [string, string | number, number, string][];
  /** The release messages, in order: `[program, beneficiary alias, period]` (payouts.md: they carry no amount). */
  releases?: [string, string | number, number][];
  /** Compare only these programs' payouts (a row's test need not list every other row's). */
  only?: string[];
  /** Decision per delivery, in order: applied, not-covered, no-policy, replay, superseded, duplicate, waiting, rejected:<reason>. */
  outcomes?: string[];
  deadLetters?: number;
}
export interface ScenarioEvent {
  type?: string;
  data?: Record<string, unknown>;
  time?: string;
  id?: string;
  source?: string;
  /** A line sent as it is, for rejections of the envelope. */
  raw?: string;
}
export interface ScenarioFile {
  file: string;
  rule: string;
  cases: Scenario[];
}

/** Expected money rows as compared: the alias resolved, the funder column only where the row has one. */
export function moneyRows(
  rows: readonly [string, string | number, number, string, Record<string, string>?][],
) {
  return rows.map(([program, who, period, amount, funders]) => [
    program,
    beneficiaryId(who),
    period,
    amount,
    ...(funders ? [funders] : []),
  ]);
}

/** A message's funder lines as a scenario writes them, `{ city: "60000.00" }`; nothing without funders. */
export function funderColumn(m: { funders?: FunderLine[] }): Record<string, string>[] {
  return m.funders ? [Object.fromEntries(m.funders.map((f) => [f.funder, f.amount]))] : [];
}

export function loadScenarios(dir: string): ScenarioFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f) => ({ file: f, ...(parse(readFileSync(join(dir, f), "utf8")) as Omit<ScenarioFile, "file">) }));
}

const DATE_FIELDS = [
  "scheduledTime",
  "filedOn",
  "resolvedOn",
  "clearedOn",
  "from",
  "confirmedOn",
  "revokedOn",
  "declinedOn",
  "paidOn",
  "failedOn",
  "receivedOn",
  "issuedOn",
  "revokedOn",
  "accreditedOn",
  "redeemedOn",
  "filedOn",
  "confirmedOn",
  "recoveredOn",
  "purchasedOn",
  "registeredOn",
  "cancelledOn",
];

/** The CloudEvents line for a scenario event; `time` defaults to its fact date, a minute per event. */
export function toLine(event: ScenarioEvent, index: number, city: string): string {
  if (event.raw !== undefined) return event.raw;
  // `clock.day` shorthand: `{ date }` is the schedule firing at that China day's midnight.
  const data =
    event.type === "clock.day" && typeof event.data?.date === "string"
      ? { scheduledTime: `${event.data.date}T00:00:00+08:00` }
      : expandParties(event.data ?? {});
  const time = event.time ?? `${factDay(data)}T09:${String(index % 60).padStart(2, "0")}:00+08:00`;
  return JSON.stringify({
    specversion: "1.0",
    id: event.id ?? `evt-${index}`,
    // As the city's publisher of the type sends it (events.md § Publishers), unless the scenario says.
    source: event.source ?? publisherSource(city, event.type ?? ""),
    type: event.type,
    time,
    city,
    datacontenttype: "application/json",
    data,
  });
}

function publisherSource(city: string, type: string): string {
  const publisher = readCity(city).publishers.find((p) => p.types.has(type as FactType));
  return publisher?.source ?? "registry/unpublished-type";
}

function factDay(data: Record<string, unknown>): string {
  for (const field of DATE_FIELDS)
    if (typeof data[field] === "string") return (data[field] as string).slice(0, 10);
  const year = data.year ?? data.fiscalYear;
  return typeof year === "number" ? `${year}-12-31` : "2024-06-30";
}

/**
 * Certificate GR<n> to enterprise E<n>, a first one issued on `day`; by default above scale in Lixia
 * (370102), a 300,000.00 award in Jinan. `data` changes or adds fields (scale, district, incubator).
 */
export const certification = (n: number, day: string, data: Record<string, unknown> = {}): ScenarioEvent => ({
  type: "hte.certification.granted",
  id: `cert-${n}`,
  data: {
    certificateNo: `GR${n}`,
    enterprise: `E${n}`,
    kind: "first",
    scale: "above",
    district: "370102",
    issuedOn: day,
    ...data,
  },
});

/** A testing voucher `id` redeemed on 2024-05-10 by the SME `holder` (a party ref), `eligibleSpend` in yuan. */
export const voucher = (id: string, holder: string, eligibleSpend: string): ScenarioEvent => ({
  type: "voucher.redeemed",
  id,
  data: {
    voucherId: `V-${id.toUpperCase()}`,
    holder: { ref: holder, kind: "sme" },
    voucherType: "testing",
    eligibleSpend,
    redeemedOn: "2024-05-10",
  },
});
