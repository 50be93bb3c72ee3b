import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { duplicateName } from "../../shared/contract/duplicates";
import { expectRejected, raw, rejected } from "./fixtures";

const pathOf = (json: string) => duplicateName(json)?.path;

describe("duplicateName: the first name twice in one object (I-JSON, RFC 7493 §2.3)", () => {
  // biome-ignore format: one case per line reads as a table
  test.each([
    ["at the top", '{"a":1,"b":2,"a":3}', ["a"]],
    ["nested", '{"data":{"x":{"y":1,"y":2}}}', ["data", "x", "y"]],
    ["inside an array, with its index", '{"list":[{"k":1},{"k":1,"k":2}]}', ["list", 1, "k"]],
    ["spelled with an escape", '{"city":"a","\\u0063ity":"b"}', ["city"]],
    ["an escaped quote in the name", '{"a\\"b":1,"a\\"b":2}', ['a"b']],
    ["__proto__ twice", '{"__proto__":1,"__proto__":2}', ["__proto__"]],
    ["the first of several", '{"a":1,"a":2,"b":1,"b":2}', ["a"]],
    ["after a nested object closes", '{"a":{"b":1},"c":2,"a":3}', ["a"]],
  ])("finds a name %s", (_rule, json, path) => {
    expect(JSON.parse(json)).toBeDefined(); // valid JSON: the scanner only ever sees that
    expect(pathOf(json)).toEqual(path);
  });

  // biome-ignore format: one case per line reads as a table
  test.each([
    ["the same name in sibling objects", '{"a":{"k":1},"b":{"k":1}}'],
    ["the same name at two levels", '{"k":{"k":{"k":1}}}'],
    ["a value that looks like a name", '{"a":"\\"a\\":1","b":"a"}'],
    ["an array of equal strings", '{"a":["a","a","a"]}'],
    ["names that differ only in case", '{"City":1,"city":2}'],
    ["a backslash before the closing quote", '{"a\\\\":1,"a":2}'],
    ["empty objects and arrays", '{"a":{},"b":[],"c":[{}]}'],
    ["a scalar", '"a"'],
  ])("finds none in %s", (_rule, json) => {
    expect(JSON.parse(json)).toBeDefined();
    expect(pathOf(json)).toBeUndefined();
  });

  test("finds none in anything JSON.stringify writes", () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => duplicateName(JSON.stringify(value)) === undefined));
  });

  test("finds a name repeated anywhere, however deep inside arrays", () => {
    const member = fc.tuple(fc.string(), fc.jsonValue());
    fc.assert(
      fc.property(fc.array(member, { minLength: 1 }), fc.nat(), fc.nat(5), (members, pick, depth) => {
        const [name, value] = members[pick % members.length] as [string, unknown];
        const unique = [...new Map(members).entries()];
        const body = [...unique, [name, value]].map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
        const json = `${"[".repeat(depth)}{${body.join(",")}}${"]".repeat(depth)}`;
        expect(pathOf(json)).toEqual([...Array(depth).fill(0), name]);
      }),
    );
  });

  test("a million levels of nesting, and a name of 10 MB twice", () => {
    const deep = `${'{"a":'.repeat(1_000_000)}1${"}".repeat(1_000_000)}`;
    expect(pathOf(deep)).toBeUndefined();
    const deepTwice = `${'{"a":'.repeat(1_000_000)}{"b":1,"b":2}${"}".repeat(1_000_000)}`;
    expect(pathOf(deepTwice)?.length).toBe(1_000_001);
    const big = "n".repeat(10_000_000);
    expect(pathOf(`{"${big}":1,"${big}":2}`)).toEqual([big]);
    expect(pathOf(`{"a":"${"\\\\".repeat(5_000_000)}","a":1}`)).toEqual(["a"]);
  });
});

describe("parseMessage rejects a duplicate name anywhere as malformed-json, before every other rule", () => {
  const body = raw("loan.filed");
  test("in data: the path of the name", () => {
    const twice = body.replace('"principal":"5000000"', '"principal":"1","principal":"5000000"');
    const r = expectRejected(twice, "malformed-json", "data.principal: key appears twice in one object");
    expect(r).toMatchObject({ source: "registry/hte-certification", id: "CERT-2024-370102-00017" });
  });

  test("in the envelope: city", () => {
    expectRejected(
      body.replace('"city":"jinan"', '"city":"qingdao","city":"jinan"'),
      "malformed-json",
      "city:",
    );
  });

  test("a repeated id or source is not echoed: it has no one value", () => {
    const r = rejected(body.replace('"id":"CERT-2024-370102-00017"', '"id":"A","id":"B"'));
    expect(r).toMatchObject({ reason: "malformed-json", id: null, source: "registry/hte-certification" });
  });

  test("a name that needs quoting is quoted in the path", () => {
    const twice = body.replace('"data":{', '"data":{"a.b":1,"a.b":2,');
    expectRejected(twice, "malformed-json", 'data."a.b": key appears twice');
  });

  test("even where the message breaks other rules too", () => {
    expectRejected('{"specversion":"0.3","specversion":"1.0"}', "malformed-json", "specversion:");
  });
});
