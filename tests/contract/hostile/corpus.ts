/**
 * Hostile lines, one or more per finding of issue 12, each as a registry (or an attacker with
 * SendMessage) would put it on the ingest queue: every one was accepted — or mishandled — before the
 * fix, and each is rejected (or refused by the queue) as docs/contract/events.md documents. Mixed into
 * the sample stream, none changes a payout.
 */
import type { RejectionReason } from "../../../shared/contract";
import { raw, rawWith, TIME, VALID, withField } from "../fixtures";

export type Expected =
  | { reason: RejectionReason; detail: string }
  | { refused: "invalid-utf8" | "invalid-characters" | "too-large" };

export interface HostileLine {
  /** The finding of issue 12 the line belongs to. */
  point: string;
  name: string;
  /** The message body as UTF-8 bytes: what the queue would have been handed. */
  bytes: Uint8Array;
  expected: Expected;
}

const utf8 = (text: string) => new TextEncoder().encode(text);
const line = (point: string, name: string, text: string, expected: Expected): HostileLine => ({
  point,
  name,
  bytes: utf8(text),
  expected,
});

/**
 * Each line has its own (source, id), so mixed into the sample none is a conflicting duplicate. Each is
 * sent under the source of its type's publisher, as the attacker's own registry would send it: what it
 * tries is the contract, not authority (tests/reliability/authority.test.ts tries that).
 */
const at = (id: string, more: Record<string, unknown> = {}) => ({ id: `HOSTILE-${id}`, ...more });

const voucher = (id: string, data: Record<string, unknown> = {}) =>
  raw(
    "voucher.redeemed",
    { ...VALID["voucher.redeemed"], voucherId: `HOSTILE-V-${id.toUpperCase()}`, ...data },
    at(id, { source: "registry/innovation-vouchers" }),
  );

/** `"key": value, …` pasted into a body's `data` object (or the envelope) once more, as a last member. */
function appendMember(body: string, where: "data" | "envelope", member: string): string {
  if (where === "envelope") return `${body.slice(0, -1)},${member}}`;
  return body.replace(/\}\}$/, `,${member}}}`);
}

/** `city` as qingdao, then as jinan under `name` (the same name, however it is spelled). */
function cityTwice(title: string, id: string, name: string): HostileLine {
  const body = voucher(id).replace('"city":"jinan"', '"city":"qingdao"');
  return line("duplicate keys", title, appendMember(body, "envelope", `${name}:"jinan"`), {
    reason: "malformed-json",
    detail: "city: key appears twice",
  });
}

/** A voucher whose holder's name has `bytes` in the middle: no longer UTF-8, so no queue takes it. */
function spliced(name: string, id: string, bytes: number[]): HostileLine {
  const [head, tail] = voucher(id).split("济南星河");
  return {
    point: "invalid UTF-8",
    name,
    bytes: new Uint8Array([...utf8(head ?? ""), ...bytes, ...utf8(tail ?? "")]),
    expected: { refused: "invalid-utf8" },
  };
}

const SQS_MAX_BYTES = 1_048_576;

/** A body of exactly SQS's largest size whose `source` is almost all of it (a 1 MiB echo before the fix). */
function oneMebibyteSource(): string {
  const shell = (source: string) =>
    JSON.stringify({ specversion: "1.0", id: "HOSTILE-echo-source", source, type: "loan.filed" });
  const overhead = utf8(shell("")).byteLength;
  return shell("s".repeat(SQS_MAX_BYTES - overhead));
}

/**
 * An unknown field named by 300,000 quotes: the detail quotes the name, and the rejection's JSON escapes
 * it again, so ~600 KB on the way in became ~1.2 MB on the way out before the fix.
 */
function quotedFieldName(): string {
  const data = { ...VALID["voucher.redeemed"], voucherId: "HOSTILE-V-ECHO", ['"'.repeat(300_000)]: 1 };
  return raw("voucher.redeemed", data, at("echo-detail", { source: "registry/innovation-vouchers" }));
}

export const HOSTILE: readonly HostileLine[] = [
  // Duplicate keys: the last one won, so another parser in the chain could read the other value.
  line(
    "duplicate keys",
    "eligibleSpend twice: 1, then 999999",
    appendMember(voucher("dup-money", { eligibleSpend: "1" }), "data", '"eligibleSpend":"999999"'),
    { reason: "malformed-json", detail: "data.eligibleSpend: key appears twice" },
  ),
  cityTwice("city twice: qingdao, then jinan", "dup-city", '"city"'),
  cityTwice("city twice, the second spelled with an escape", "dup-escape", '"\\u0063ity"'),
  line(
    "duplicate keys",
    "a nested duplicate: holder.id twice",
    voucher("dup-nested").replace('"holder":{"id":', '"holder":{"id":"team-a","id":'),
    { reason: "malformed-json", detail: "data.holder.id: key appears twice" },
  ),

  // Invalid UTF-8: refused before the contract (issue 8); kept here so it stays so.
  spliced("FF FE inside a name", "utf8-fffe", [0xff, 0xfe]),
  spliced("an overlong C0 AF ('/') inside a name", "utf8-overlong", [0xc0, 0xaf]),

  // Characters no SQS message may carry, written as JSON escapes (plain ASCII on the wire).
  line(
    "characters SQS cannot carry",
    "U+FFFE in a holder's name",
    voucher("fffe").replace("济南星河", "济\\ufffe南星河"),
    { reason: "invalid-data", detail: "data.holder.name: contains U+FFFE" },
  ),
  line(
    "characters SQS cannot carry",
    "U+0001 in a holder's name",
    voucher("c0").replace("济南星河", "济\\u0001南星河"),
    { reason: "invalid-data", detail: "data.holder.name: contains U+0001" },
  ),
  line(
    "characters SQS cannot carry",
    "U+FFFF in source",
    raw(
      "voucher.redeemed",
      { ...VALID["voucher.redeemed"], voucherId: "HOSTILE-V-FFFF" },
      at("ffff"),
    ).replace('"source":"registry/hte-certification"', '"source":"registry/\\uffff"'),
    { reason: "not-cloudevent", detail: "source: contains U+FFFF" },
  ),

  line(
    "characters SQS cannot carry",
    "U+FFFE in an unsupported type, echoed by the rejection",
    raw("loan.sold", {}, at("type-fffe")).replace('"type":"loan.sold"', '"type":"loan.\\ufffe"'),
    { reason: "unsupported-type", detail: 'type: "loan.\uFFFE" is not a supported type' },
  ),

  // Unbounded echoes: a carriable message whose rejection was not.
  line("bounded echoes", "a 1 MiB source", oneMebibyteSource(), {
    reason: "not-cloudevent",
    detail: "source: must be 1–256 characters",
  }),
  line("bounded echoes", "an unknown field named by 300,000 quotes", quotedFieldName(), {
    reason: "invalid-data",
    detail: 'data: unknown field "\\"',
  }),

  // A time whose China date is in year 10000: date arithmetic fell back to 1970 (→ future-date).
  line(
    "time near year 10000",
    "9999-12-31T20:00:00Z (China date 10000-01-01)",
    rawWith("loan.filed", "loanId", "HOSTILE-L-10000", at("time-10000", { time: "9999-12-31T20:00:00Z" })),
    { reason: "not-cloudevent", detail: "time: is outside the years 0000–9999" },
  ),

  // Case in identifiers: a lower-case twin paid a second first award.
  line(
    "case in identifiers",
    "certificateNo in lower case",
    raw(
      "hte.certification.granted",
      withField(VALID["hte.certification.granted"], "certificateNo", "gradvcase1"),
      at("case-certificate", { time: TIME }),
    ),
    { reason: "invalid-data", detail: "data.certificateNo: must be upper case" },
  ),
  line(
    "case in identifiers",
    "an organisation id in upper case",
    raw(
      "carrier.accredited",
      withField(VALID["carrier.accredited"], "carrier.id", "QILU-SOFTWARE-INCUBATOR"),
      at("case-carrier", { source: "registry/carriers" }),
    ),
    { reason: "invalid-data", detail: "data.carrier.id: must be lower case" },
  ),
];
