import { authorityProblem, type Delivery, futureTimeProblem } from "./authority";
import { formatDays, parseDate } from "./calendar";
import { canonicalJson, sha256Hex } from "./canonical";
import { dottedPath, got, jsonTypeOf, MISSING, show } from "./describe";
import { duplicateName } from "./duplicates";
import { envelopeProblem, own } from "./envelope";
import { isFactType } from "./fact-types";
import type { AnyMessage, ContractContext, FactDate, ParseResult } from "./message";
import { dataProblem, type Problem, problem, rejectionOf } from "./rejection";
import { parseTime } from "./time";
import { dataSchemas, FACT_DATE_FIELDS } from "./types";

/**
 * Judges one raw queue message against the contract: the accepted message, or the first rejection in the
 * contract's precedence. Never throws.
 */
export function parseMessage(raw: string, context: ContractContext, delivery: Delivery): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return rejected(undefined, problem("malformed-json", "message", `is not valid JSON: ${reason}`));
  }
  const twice = duplicateName(raw);
  if (twice) return rejected(withoutTopLevel(json, twice.path), duplicateProblem(twice.path));
  try {
    return judge(json, context, delivery);
  } catch (error) {
    // Unreachable by design; a bug must still not take the batch down with it.
    const envelope = isRecord(json) ? json : undefined;
    const reason = error instanceof Error ? error.message : String(error);
    return rejected(envelope, problem("invalid-data", "message", `could not be validated (${reason})`));
  }
}

function judge(json: unknown, context: ContractContext, delivery: Delivery): ParseResult {
  if (!isRecord(json)) {
    return rejected(
      undefined,
      problem("not-cloudevent", "message", `must be a JSON object (got ${jsonTypeOf(json)})`),
    );
  }
  const envelope = json;
  const broken = envelopeProblem(envelope);
  if (broken) return rejected(envelope, broken);

  const type = envelope.type as string;
  if (!isFactType(type)) {
    return rejected(envelope, problem("unsupported-type", "type", `${show(type)} is not a supported type`));
  }

  // Who sent it decides what it may say, before anything it says is read (events.md § Publishers).
  const source = envelope.source as string;
  const unauthorised = authorityProblem(delivery.senderFor(source), source, type);
  if (unauthorised) return rejected(envelope, unauthorised);

  const city = own(envelope, "city");
  if (city !== context.city) {
    const why =
      city === undefined
        ? `${MISSING}; this stack is for ${show(context.city)}`
        : `must be ${show(context.city)}, this stack's city ${got(city, "string")}`;
    return rejected(envelope, problem("wrong-city", "city", why));
  }

  if (!Object.hasOwn(envelope, "data")) return rejected(envelope, problem("invalid-data", "data", MISSING));
  const schema = schemasOf(context.districtIds)[type];
  const result = schema.safeParse(envelope.data);
  if (!result.success) return rejected(envelope, dataProblem(result.error, schema, envelope.data));

  const time = parseTime(envelope.time as string);
  if (!time.ok) return rejected(envelope, problem("not-cloudevent", "time", time.problem)); // judged above
  const canonicalData = canonicalJson(result.data);
  const message = {
    source: envelope.source as string,
    id: envelope.id as string,
    type,
    time: time.canonical,
    chinaDate: time.chinaDate,
    data: result.data,
    bodyHash: sha256Hex(bodyJson(type, time.canonical, canonicalData)),
    dataHash: sha256Hex(canonicalData),
  } as AnyMessage;

  const future = futureTimeProblem(time, delivery.receivedAt) ?? futureProblem(message);
  if (future) return rejected(envelope, future);
  return { ok: true, message };
}

/** The schemas for a city's district set, looked up once per set rather than per message. */
const schemasBySet = new WeakMap<ReadonlySet<string>, ReturnType<typeof dataSchemas>>();
function schemasOf(districtIds: ReadonlySet<string>): ReturnType<typeof dataSchemas> {
  let schemas = schemasBySet.get(districtIds);
  if (!schemas) {
    schemas = dataSchemas([...districtIds]);
    schemasBySet.set(districtIds, schemas);
  }
  return schemas;
}

/**
 * `canonicalJson({ type, time, data })` with the data's canonical text already made (its keys sort as
 * data, time, type): the data is serialised once for both hashes.
 */
function bodyJson(type: string, time: string, canonicalData: string): string {
  return `{"data":${canonicalData},"time":${JSON.stringify(time)},"type":${JSON.stringify(type)}}`;
}

/** A name twice in one object: the message is not I-JSON, so what it says depends on who reads it. */
function duplicateProblem(path: readonly (string | number)[]): Problem {
  const why = "key appears twice in one object (a message must be I-JSON: RFC 7493 §2.3, RFC 8259 §4)";
  return problem("malformed-json", dottedPath(path), why);
}

/** The envelope to echo from: a repeated `source`, `id` or `type` has no one value, so it is not echoed. */
function withoutTopLevel(json: unknown, path: readonly (string | number)[]) {
  if (!isRecord(json)) return undefined;
  if (path.length !== 1) return json;
  const { [String(path[0])]: _ambiguous, ...rest } = json;
  return rest;
}

/** The date (or year) that dates the fact; a staff act has none (the ledger's clock dates it). */
export function factDateOf(message: AnyMessage): FactDate | undefined {
  const spec = FACT_DATE_FIELDS[message.type];
  if (spec.kind === "none") return undefined;
  const value = (message.data as Record<string, unknown>)[spec.field];
  return spec.kind === "date"
    ? { kind: "date", date: value as string }
    : { kind: "year", year: value as number };
}

/** A fact dated after D + 1 day (a year: after D's year + 1), D being the China date of `time`. */
function futureProblem(message: AnyMessage): Problem | undefined {
  const fact = factDateOf(message);
  const spec = FACT_DATE_FIELDS[message.type];
  if (!fact || spec.kind === "none") return undefined;
  const path = `data.${spec.field}`;
  if (fact.kind === "date") {
    // Day numbers, not strings: D + 1 of 9999-12-31 is 10000-01-01, which sorts before 2024 as text.
    const today = dayOf(message.chinaDate);
    if (dayOf(fact.date) <= today + 1) return undefined;
    return problem(
      "future-date",
      path,
      `${fact.date} is after ${formatDays(today + 1)}, the day after the China date of time (${message.chinaDate})`,
    );
  }
  const latestYear = Number(message.chinaDate.slice(0, 4)) + 1;
  if (fact.year <= latestYear) return undefined;
  return problem(
    "future-date",
    path,
    `${fact.year} is after ${latestYear}, the year after the China date of time (${message.chinaDate})`,
  );
}

/** The day number of a date the parser has already judged real (parseTime keeps China dates in 0000–9999). */
function dayOf(date: string): number {
  const day = parseDate(date);
  if (day === undefined) throw new RangeError(`${date} is not a date the contract can name`);
  return day;
}

function rejected(envelope: Record<string, unknown> | undefined, broken: Problem): ParseResult {
  const text = (key: string) => {
    const value = envelope && own(envelope, key);
    return typeof value === "string" ? value : null;
  };
  const echo = { source: text("source"), id: text("id"), type: text("type") };
  return { ok: false, rejection: rejectionOf(echo, broken.reason, `${broken.path}: ${broken.message}`) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
