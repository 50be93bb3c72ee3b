import { describe, expect, test } from "vitest";
import type { RejectionReason } from "../../shared/contract";
import { ABSENT, accepted, envelopeOf, expectRejected, raw, rejected, VALID } from "./fixtures";

interface Case {
  rule: string;
  envelope: Record<string, unknown>;
  reason?: RejectionReason;
  detail?: string;
}

function run(cases: Case[]) {
  test.each(cases)("$rule", ({ envelope, reason, detail }) => {
    const text = raw("loan.filed", VALID["loan.filed"], envelope);
    if (reason === undefined) accepted(text);
    else expectRejected(text, reason, detail ?? "");
  });
}

describe("malformed-json: the body is not JSON", () => {
  test.each([
    ["an unclosed object", "{"],
    ["an empty body", ""],
    ["single quotes", "{'specversion':'1.0'}"],
    ["a trailing comma", '{"specversion":"1.0",}'],
    ["two documents", "{} {}"],
  ])("%s", (_rule, text) => {
    const rejection = expectRejected(text, "malformed-json", "message: is not valid JSON: ");
    expect(rejection).toMatchObject({ source: null, id: null, type: null });
  });
});

describe("not-cloudevent: the envelope", () => {
  test.each([
    ["an array", "[]", "array"],
    ["a number", "42", "number"],
    ["null", "null", "null"],
    ["a string", '"hello"', "string"],
  ])("a message that is %s is rejected", (_rule, text, kind) => {
    expectRejected(text, "not-cloudevent", `message: must be a JSON object (got ${kind})`);
  });

  // biome-ignore format: one case per line reads as a table
  run([
    { rule: "specversion missing", envelope: { specversion: ABSENT }, reason: "not-cloudevent", detail: 'specversion: required field is missing (must be "1.0")' },
    { rule: 'specversion "0.3"', envelope: { specversion: "0.3" }, reason: "not-cloudevent", detail: 'specversion: must be "1.0" (got "0.3")' },
    { rule: "specversion as the number 1.0", envelope: { specversion: 1.0 }, reason: "not-cloudevent", detail: 'specversion: must be "1.0" (got 1)' },
    { rule: "id missing", envelope: { id: ABSENT }, reason: "not-cloudevent", detail: "id: required field is missing" },
    { rule: "id empty", envelope: { id: "" }, reason: "not-cloudevent", detail: "id: must be 1–128 printable ASCII characters without spaces" },
    { rule: "id of 128 is accepted", envelope: { id: "i".repeat(128) } },
    { rule: "id of 129", envelope: { id: "i".repeat(129) }, reason: "not-cloudevent", detail: "id: must be 1–128 printable ASCII characters without spaces (got 129)" },
    { rule: "id with a space", envelope: { id: "CERT 1" }, reason: "not-cloudevent", detail: "id: must be 1–128 printable ASCII characters without spaces; character 5 is U+0020" },
    { rule: "id with non-ASCII", envelope: { id: "证书-1" }, reason: "not-cloudevent", detail: "id: must be 1–128 printable ASCII characters without spaces; character 1 is '证'" },
    { rule: "id as a number", envelope: { id: 17 }, reason: "not-cloudevent", detail: "id: must be a string (got number)" },
    { rule: "source missing", envelope: { source: ABSENT }, reason: "not-cloudevent", detail: "source: required field is missing" },
    { rule: "source empty", envelope: { source: "" }, reason: "not-cloudevent", detail: "source: must be 1–256 characters without whitespace or control characters" },
    { rule: "source of 256 is accepted", envelope: { source: "s".repeat(256) } },
    { rule: "source of 256 CJK code points is accepted", envelope: { source: "源".repeat(256) } },
    { rule: "source of 257", envelope: { source: "s".repeat(257) }, reason: "not-cloudevent", detail: "source: must be 1–256 characters without whitespace or control characters (got 257)" },
    { rule: "source with a space", envelope: { source: "registry/hte cert" }, reason: "not-cloudevent", detail: "source: must be 1–256 characters without whitespace or control characters; character 13 is U+0020" },
    { rule: "source with a control character", envelope: { source: "registry\u0001" }, reason: "not-cloudevent", detail: "source: must be 1–256 characters without whitespace or control characters; character 9 is U+0001" },
    { rule: "source with an ideographic space", envelope: { source: "registry\u3000hte" }, reason: "not-cloudevent", detail: "source: must be 1–256 characters without whitespace or control characters; character 9 is U+3000" },
    { rule: "source with U+FFFF (no SQS message may carry it)", envelope: { source: "registry/\uffff" }, reason: "not-cloudevent", detail: "source: contains U+FFFF (character 10), which no SQS message may carry" },
    { rule: "source with U+FFFE", envelope: { source: "\ufffe" }, reason: "not-cloudevent", detail: "source: contains U+FFFE (character 1)" },
    { rule: "source as a URI is accepted", envelope: { source: "https://registry.jinan.gov.cn/hte?x=1#y" } },
    { rule: "source as an object", envelope: { source: { name: "x" } }, reason: "not-cloudevent", detail: "source: must be a string (got object)" },
    { rule: "type missing", envelope: { type: ABSENT }, reason: "not-cloudevent", detail: "type: required field is missing" },
    { rule: "type as a number", envelope: { type: 7 }, reason: "not-cloudevent", detail: "type: must be a string (got number)" },
    { rule: "time missing", envelope: { time: ABSENT }, reason: "not-cloudevent", detail: "time: required field is missing" },
    { rule: "time as a number", envelope: { time: 1732066200 }, reason: "not-cloudevent", detail: "time: must be an RFC 3339 date-time string (got number)" },
    { rule: "datacontenttype absent is accepted", envelope: { datacontenttype: ABSENT } },
    { rule: "datacontenttype with parameters is accepted", envelope: { datacontenttype: "application/json; charset=utf-8" } },
    { rule: "datacontenttype in upper case is accepted", envelope: { datacontenttype: "Application/JSON" } },
    { rule: "datacontenttype text/plain", envelope: { datacontenttype: "text/plain" }, reason: "not-cloudevent", detail: 'datacontenttype: must be "application/json" (parameters allowed) (got "text/plain")' },
    { rule: "datacontenttype application/jsonx", envelope: { datacontenttype: "application/jsonx" }, reason: "not-cloudevent", detail: "datacontenttype: must be" },
    { rule: "datacontenttype application/cloudevents+json", envelope: { datacontenttype: "application/cloudevents+json" }, reason: "not-cloudevent", detail: "datacontenttype: must be" },
    { rule: "datacontenttype as a number", envelope: { datacontenttype: 1 }, reason: "not-cloudevent", detail: "datacontenttype: must be a string if present (got number)" },
    { rule: "datacontenttype null", envelope: { datacontenttype: null }, reason: "not-cloudevent", detail: "datacontenttype: must be a string if present (got null)" },
    { rule: "subject as a string is accepted", envelope: { subject: "GR202437000123" } },
    { rule: "subject as a number", envelope: { subject: 5 }, reason: "not-cloudevent", detail: "subject: must be a string if present (got number)" },
    { rule: "dataschema as a string is accepted", envelope: { dataschema: "https://example.invalid/loan.filed.json" } },
    { rule: "dataschema as an object", envelope: { dataschema: {} }, reason: "not-cloudevent", detail: "dataschema: must be a string if present (got object)" },
    { rule: "data_base64 with data", envelope: { data_base64: "e30=" }, reason: "not-cloudevent", detail: "data_base64: is not accepted" },
    { rule: "data_base64 instead of data", envelope: { data_base64: "e30=", data: ABSENT }, reason: "not-cloudevent", detail: "data_base64: is not accepted" },
    { rule: "extension attributes are ignored", envelope: { traceparent: "00-abc-def-01", partitionkey: 3, comexampleextension: null } },
  ]);
});

describe("unsupported-type, wrong-city, invalid-data at the envelope", () => {
  // biome-ignore format: one case per line reads as a table
  run([
    { rule: "an unknown type", envelope: { type: "loan.approved" }, reason: "unsupported-type", detail: 'type: "loan.approved" is not a supported type' },
    { rule: "a type in the wrong case", envelope: { type: "Loan.Filed" }, reason: "unsupported-type", detail: 'type: "Loan.Filed" is not a supported type' },
    { rule: "city missing", envelope: { city: ABSENT }, reason: "wrong-city", detail: 'city: required field is missing; this stack is for "jinan"' },
    { rule: "another city", envelope: { city: "qingdao" }, reason: "wrong-city", detail: 'city: must be "jinan", this stack\'s city (got "qingdao")' },
    { rule: "the city in another case", envelope: { city: "Jinan" }, reason: "wrong-city", detail: 'city: must be "jinan", this stack\'s city (got "Jinan")' },
    { rule: "city as a number", envelope: { city: 370100 }, reason: "wrong-city", detail: 'city: must be "jinan", this stack\'s city (got number)' },
    { rule: "data missing", envelope: { data: ABSENT }, reason: "invalid-data", detail: "data: required field is missing" },
    { rule: "data null", envelope: { data: null }, reason: "invalid-data", detail: "data: must be a JSON object (got null)" },
    { rule: "data an array", envelope: { data: [] }, reason: "invalid-data", detail: "data: must be a JSON object (got array)" },
    { rule: "data a string of JSON", envelope: { data: "{}" }, reason: "invalid-data", detail: "data: must be a JSON object (got string)" },
  ]);
});

describe("a rejection carries the message's source, id and type when they are strings", () => {
  test("strings are echoed even when invalid", () => {
    const rejection = rejected(raw("loan.approved", {}, { id: "bad id", source: "registry/loans" }));
    expect(rejection).toMatchObject({ source: "registry/loans", id: "bad id", type: "loan.approved" });
  });

  test("non-strings become null", () => {
    const rejection = rejected(
      raw("loan.filed", VALID["loan.filed"], { id: 17, source: ABSENT, type: ["x"] }),
    );
    expect(rejection).toMatchObject({ source: null, id: null, type: null, reason: "not-cloudevent" });
  });
});

describe("precedence: a message breaking several rules gets the first reason", () => {
  const badData = { ...VALID["loan.filed"], principal: 5 };
  const futureData = { ...VALID["loan.filed"], filedOn: "2030-01-01" };
  const cases: { rule: string; message: Record<string, unknown>; reason: RejectionReason; detail: string }[] =
    [
      {
        rule: "not-cloudevent before unsupported-type, wrong-city and invalid-data",
        message: envelopeOf("loan.approved", badData, { specversion: "0.3", city: "qingdao" }),
        reason: "not-cloudevent",
        detail: "specversion:",
      },
      {
        rule: "a missing type is not-cloudevent, before wrong-city",
        message: envelopeOf("loan.filed", badData, { type: ABSENT, city: "qingdao" }),
        reason: "not-cloudevent",
        detail: "type:",
      },
      {
        rule: "data_base64 is not-cloudevent, before wrong-city",
        message: envelopeOf("loan.filed", badData, { data_base64: "e30=", city: ABSENT }),
        reason: "not-cloudevent",
        detail: "data_base64:",
      },
      {
        rule: "a bad time is not-cloudevent, before invalid-data",
        message: envelopeOf("loan.filed", badData, { time: "yesterday" }),
        reason: "not-cloudevent",
        detail: "time:",
      },
      {
        rule: "unsupported-type before wrong-city and invalid-data",
        message: envelopeOf("loan.approved", badData, { city: "qingdao" }),
        reason: "unsupported-type",
        detail: "type:",
      },
      {
        rule: "wrong-city before invalid-data",
        message: envelopeOf("loan.filed", badData, { city: "qingdao" }),
        reason: "wrong-city",
        detail: "city:",
      },
      {
        rule: "wrong-city before a missing data",
        message: envelopeOf("loan.filed", badData, { city: "qingdao", data: ABSENT }),
        reason: "wrong-city",
        detail: "city:",
      },
      {
        rule: "invalid-data before future-date",
        message: envelopeOf("loan.filed", { ...futureData, principal: 5 }),
        reason: "invalid-data",
        detail: "data.principal:",
      },
      {
        rule: "future-date when nothing else is wrong",
        message: envelopeOf("loan.filed", futureData),
        reason: "future-date",
        detail: "data.filedOn:",
      },
    ];
  test.each(cases)("$rule", ({ message, reason, detail }) => {
    expectRejected(JSON.stringify(message), reason, detail);
  });

  test("within data, the first field in contract order is reported", () => {
    const data = { ...VALID["loan.filed"], loanId: "", principal: 5 };
    expectRejected(raw("loan.filed", data), "invalid-data", "data.loanId:");
  });
});
