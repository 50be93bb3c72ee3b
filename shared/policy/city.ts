import { z } from "zod";
import { FACT_TYPES, type FactType, type Publisher } from "../contract";
import { CityConfigError } from "./errors";
import { kindOf, type Program, programSchema } from "./kinds";
import { PARTY_ROLES, type PartyContext } from "./parties";
import { type PaymentRules, paymentRules, paymentsSchema } from "./payments";
import { principal, publisherProblems, publisherSchema, publishersOf } from "./publishers";
import { isoDate } from "./values";
import { workbenchSchema } from "./workbench";

/** Queues keep a message 14 days (infra/queues.ts): an age alarm must leave at least a day to act. */
const QUEUE_RETENTION_HOURS = 14 * 24;
const ageHours = (fallback: number) =>
  z
    .number()
    .int()
    .min(1)
    .max(QUEUE_RETENTION_HOURS - 24)
    .default(fallback);

/**
 * When money messages are too old to be waiting: a payout finance has not taken, a rejection its registry
 * has not read, a stream record the relay has not reached. Each alarms well before it could expire.
 */
const alarmsSchema = z
  .strictObject({
    /** Oldest message on the payouts queue: finance has stopped receiving. */
    payoutsOldestMessageHours: ageHours(24),
    /** Oldest message on the rejected queue: a registry is not reading its rejections. */
    rejectedOldestMessageHours: ageHours(72),
    /** The relay's stream iterator age: payouts are written but not sent. Below relay.maxRecordAgeHours. */
    relayIteratorAgeMinutes: z
      .number()
      .int()
      .min(1)
      .max(23 * 60)
      .default(15),
  })
  .prefault({});

/** How the city's stack runs: queue limits, concurrency and who may send and receive. */
const operationsSchema = z.strictObject({
  ingest: z.strictObject({
    batchSize: z.number().int().min(1).max(10),
    maxConcurrency: z.number().int().min(2).max(1000),
    /** Deliveries before a message (e.g. a revocation whose certificate never came) is dead-lettered. */
    receiveLimit: z.number().int().min(5).max(1000),
    timeoutSeconds: z.number().int().min(3).max(900),
  }),
  relay: z.strictObject({
    batchSize: z.number().int().min(1).max(1000),
    retryAttempts: z.number().int().min(0).max(10_000),
    maxRecordAgeHours: z.number().int().min(1).max(23),
  }),
  financePrincipals: z.array(principal).min(1),
  alarmEmails: z.array(z.email()).default([]),
  alarms: alarmsSchema,
});

const versionSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]+$/),
  title: z.string().min(1),
  reference: z.string().min(1),
  /** Whole calendar years, since a period is a year: every period lies in exactly one version. */
  inForce: z.strictObject({
    from: isoDate.regex(/-01-01$/, "must be 1 January"),
    to: isoDate.regex(/-12-31$/, "must be 31 December"),
  }),
  programs: z.array(programSchema).min(1),
});

export const citySchema = z.strictObject({
  $schema: z.string().optional(),
  city: z.string().regex(/^[a-z][a-z0-9-]{1,30}$/),
  name: z.string().min(1),
  /** An illustrative city shows the model, not a published table to pay from. */
  illustrative: z.boolean().default(false),
  note: z.string().optional(),
  districts: z.array(z.strictObject({ id: z.string().min(1), name: z.string().min(1) })).min(1),
  operations: operationsSchema,
  /** Who may assert which fact, by the IAM identity SQS authenticated (events.md § Publishers). */
  publishers: z.array(publisherSchema).min(1),
  /** How entitlements become money: notice, confirmation, credit, netting (payments.md). */
  payments: paymentsSchema,
  policyVersions: z.array(versionSchema).min(1),
  /** Who may use the finance workbench (workbench.md § Access); a city without one has no workbench API. */
  workbench: workbenchSchema.optional(),
});
export type CityFile = z.output<typeof citySchema>;
export type PolicyVersion = CityFile["policyVersions"][number];

/** A validated city: its policy versions, and the programs that read each fact type. */
export interface CityPolicy extends PartyContext {
  readonly file: CityFile;
  readonly city: string;
  readonly districtIds: ReadonlySet<string>;
  /** The version in force on a date (`YYYY-MM-DD`) or for a year; `undefined` → no policy. */
  versionFor(dateOrYear: string | number): PolicyVersion | undefined;
  programsReading(version: PolicyVersion, type: FactType): readonly Program[];
  program(versionId: string, programId: string): Program | undefined;
  /** The payment lifecycle's rules and working-day calendar. */
  readonly payments: PaymentRules;
  readonly publishers: readonly Publisher[];
  /** The publisher that owns a `source`: how a replayed line is sent (events.md § Publishers). */
  publisherOf(source: string): Publisher | undefined;
}

/** Validates a parsed city file; a broken one fails naming the file, the program and the field. */
export function parseCityConfig(raw: unknown, file: string): CityPolicy {
  const parsed = citySchema.safeParse(raw);
  if (!parsed.success) {
    throw new CityConfigError(
      file,
      parsed.error.issues.map((issue) => `${describePath(raw, issue.path)}: ${issue.message}`),
      { cause: parsed.error },
    );
  }
  const problems = crossCheck(parsed.data);
  if (problems.length) throw new CityConfigError(file, problems);
  return toPolicy(parsed.data);
}

/** `policyVersions[0].programs[3].amountYuan` → `policyVersions[0] (jinan-2023) program hte-first-award: amountYuan`. */
function describePath(raw: unknown, path: readonly PropertyKey[]): string {
  const parts: string[] = [];
  let node: unknown = raw;
  for (const [i, key] of path.entries()) {
    node =
      node !== null && typeof node === "object" ? (node as Record<PropertyKey, unknown>)[key] : undefined;
    const id = node !== null && typeof node === "object" ? (node as { id?: unknown }).id : undefined;
    const prev = path[i - 1];
    if (typeof key === "number" && prev === "programs" && typeof id === "string")
      parts.push(`[${key}] (program ${id})`);
    else if (typeof key === "number" && prev === "policyVersions" && typeof id === "string")
      parts.push(`[${key}] (${id})`);
    else parts.push(typeof key === "number" ? `[${key}]` : `${parts.length ? "." : ""}${String(key)}`);
  }
  return parts.join("") || "(root)";
}

function crossCheck(city: CityFile): string[] {
  const problems: string[] = publisherProblems(city.publishers);
  const { alarms, relay } = city.operations;
  if (alarms.relayIteratorAgeMinutes >= relay.maxRecordAgeHours * 60) {
    problems.push(
      `operations.alarms.relayIteratorAgeMinutes: ${alarms.relayIteratorAgeMinutes} is not below relay.maxRecordAgeHours (${relay.maxRecordAgeHours} h): records would be given up before the alarm`,
    );
  }
  const districtIds = new Set<string>();
  for (const d of city.districts) {
    if (districtIds.has(d.id)) problems.push(`districts: ${d.id} is listed twice`);
    districtIds.add(d.id);
  }
  const windows = [...city.policyVersions].sort((a, b) => a.inForce.from.localeCompare(b.inForce.from));
  for (const [i, v] of windows.entries()) {
    const where = `policyVersions (${v.id}).inForce`;
    if (v.inForce.from > v.inForce.to)
      problems.push(`${where}: from ${v.inForce.from} is after to ${v.inForce.to}`);
    const next = windows[i + 1];
    if (next && next.inForce.from <= v.inForce.to) problems.push(`${where}: overlaps ${next.id}`);
  }
  for (const version of city.policyVersions) {
    const seen = new Set<string>();
    const from = Number(version.inForce.from.slice(0, 4));
    const to = Number(version.inForce.to.slice(0, 4));
    for (const program of version.programs) {
      const where = `policyVersions (${version.id}) program ${program.id}`;
      if (seen.has(program.id)) problems.push(`${where}: id is used twice in the version`);
      seen.add(program.id);
      for (const { type, role } of kindOf(program).roles(program)) {
        const roles = Object.keys(PARTY_ROLES[type] ?? {});
        if (!roles.includes(role)) {
          problems.push(
            `${where}.beneficiary: '${role}' is not a party of ${type} (one of: ${roles.join(", ")})`,
          );
        }
      }
      problems.push(...funderProblems(program, where));
      for (const year of Object.keys(program.budgetsFen ?? {})) {
        if (Number(year) < from || Number(year) > to) {
          problems.push(`${where}.budgetsYuan.${year}: outside the version's years ${from}–${to}`);
        }
      }
    }
  }
  return problems;
}

/** A program's funders must name each funder once and share out the whole entitlement (payouts.md § Funders). */
function funderProblems(program: Program, where: string): string[] {
  if (!program.funders) return [];
  const problems: string[] = [];
  const ids = program.funders.map((f) => f.funder);
  for (const [i, id] of ids.entries()) {
    if (ids.indexOf(id) !== i) problems.push(`${where}.funders: ${id} is listed twice`);
  }
  const total = program.funders.reduce((sum, f) => sum + f.shareBasisPoints, 0);
  if (total !== 10_000) {
    problems.push(`${where}.funders: shares sum to ${total} basis points, not 10000 (100%)`);
  }
  return problems;
}

function toPolicy(file: CityFile): CityPolicy {
  const districtNames = new Map(file.districts.map((d) => [d.id, d.name]));
  const readers = new Map<string, Map<FactType, Program[]>>();
  for (const version of file.policyVersions) {
    const byType = new Map<FactType, Program[]>(FACT_TYPES.map((t) => [t, []]));
    for (const program of version.programs) {
      for (const type of kindOf(program).reactsTo(program)) byType.get(type)?.push(program);
    }
    readers.set(version.id, byType);
  }
  return {
    file,
    city: file.city,
    districtIds: new Set(districtNames.keys()),
    districtName: (id) => districtNames.get(id),
    versionFor(dateOrYear) {
      const date = typeof dateOrYear === "number" ? `${dateOrYear}-12-31` : dateOrYear;
      return file.policyVersions.find((v) => v.inForce.from <= date && date <= v.inForce.to);
    },
    programsReading: (version, type) => readers.get(version.id)?.get(type) ?? [],
    program: (versionId, programId) =>
      file.policyVersions.find((v) => v.id === versionId)?.programs.find((p) => p.id === programId),
    payments: paymentRules(file.payments),
    ...publishersOf(file.publishers),
  };
}
