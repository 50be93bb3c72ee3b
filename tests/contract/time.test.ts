import { describe, expect, test } from "vitest";
import { FACT_DATE_FIELDS, FACT_TYPES } from "../../shared/contract";
import { parseTime } from "../../shared/contract/time";
import { accepted, expectRejected, raw, rawWith, VALID, withField } from "./fixtures";

// An old fact date, so every time below is judged on its own and never as a future date.
const at = (time: string) =>
  accepted(raw("loan.filed", withField(VALID["loan.filed"], "filedOn", "2020-01-01"), { time }));

describe("time: RFC 3339 with an offset, canonicalised to UTC with nanoseconds", () => {
  // biome-ignore format: one case per line reads as a table
  test.each([
    ["+08:00 becomes UTC", "2024-11-20T09:30:00+08:00", "2024-11-20T01:30:00.000000000Z", "2024-11-20"],
    ["Z stays UTC", "2024-11-20T01:30:00Z", "2024-11-20T01:30:00.000000000Z", "2024-11-20"],
    ["a negative offset", "2024-11-19T20:00:00-05:30", "2024-11-20T01:30:00.000000000Z", "2024-11-20"],
    ["-00:00 is UTC", "2024-11-20T01:30:00-00:00", "2024-11-20T01:30:00.000000000Z", "2024-11-20"],
    ["lower-case t and z (RFC 3339 §5.6)", "2024-11-20t01:30:00z", "2024-11-20T01:30:00.000000000Z", "2024-11-20"],
    ["one fraction digit", "2024-11-20T01:30:00.5Z", "2024-11-20T01:30:00.500000000Z", "2024-11-20"],
    ["nine fraction digits", "2024-11-20T01:30:00.123456789Z", "2024-11-20T01:30:00.123456789Z", "2024-11-20"],
    ["digits past nanoseconds are dropped", "2024-11-20T01:30:00.123456789999Z", "2024-11-20T01:30:00.123456789Z", "2024-11-20"],
    ["an offset crossing midnight back", "2024-01-01T07:00:00+08:00", "2023-12-31T23:00:00.000000000Z", "2024-01-01"],
    ["an offset crossing midnight forward", "2024-02-28T20:00:00-05:00", "2024-02-29T01:00:00.000000000Z", "2024-02-29"],
    ["UTC 16:00 is the next China date", "2024-11-20T16:00:00Z", "2024-11-20T16:00:00.000000000Z", "2024-11-21"],
    ["UTC 15:59:59.999 is still the same China date", "2024-11-20T15:59:59.999Z", "2024-11-20T15:59:59.999000000Z", "2024-11-20"],
    ["the largest offset", "2024-11-20T23:59:00+23:59", "2024-11-20T00:00:00.000000000Z", "2024-11-20"],
    ["9999-12-31T23:59:59+23:59", "9999-12-31T23:59:59+23:59", "9999-12-31T00:00:59.000000000Z", "9999-12-31"],
    ["the last instant with a China date in 9999", "9999-12-31T15:59:59.999999999Z", "9999-12-31T15:59:59.999999999Z", "9999-12-31"],
    ["the same instant at +08:00", "9999-12-31T23:59:59.999999999+08:00", "9999-12-31T15:59:59.999999999Z", "9999-12-31"],
  ])("%s", (_rule, time, canonical, chinaDate) => {
    const m = at(time);
    expect(m.time).toBe(canonical);
    expect(m.chinaDate).toBe(chinaDate);
  });

  test("the first instants of 0000 parse (their fact dates would all be future-dated)", () => {
    expect(parseTime("0000-01-01T00:00:00Z")).toEqual({
      ok: true,
      canonical: "0000-01-01T00:00:00.000000000Z",
      chinaDate: "0000-01-01",
      // 719,528 days of 86,400 seconds before 1970 (the proleptic Gregorian calendar, as Date.UTC counts).
      epochSeconds: -62_167_219_200,
      nanos: 0,
    });
    expect(Date.UTC(0, 0, 1) - Date.UTC(1900, 0, 1)).toBe(0); // Date.UTC maps year 0 to 1900: hence the literal
    expect(parseTime("2024-11-20T09:30:00.000000001+08:00")).toMatchObject({
      epochSeconds: Date.UTC(2024, 10, 20, 1, 30) / 1000,
      nanos: 1,
    });
    expect(parseTime("0000-01-01T23:59:00+23:59")).toMatchObject({
      canonical: "0000-01-01T00:00:00.000000000Z",
    });
  });

  test("canonical strings sort in time order", () => {
    const times = [
      "2024-11-20T09:30:00.000000001+08:00",
      "2024-11-20T01:29:59.999999999Z",
      "2024-11-19T20:00:00.5-05:30",
      "2024-11-20T09:30:00+08:00",
      "2023-12-31T23:59:59Z",
    ];
    const canonical = times.map((t) => at(t).time);
    expect([...canonical].sort()).toEqual([
      "2023-12-31T23:59:59.000000000Z",
      "2024-11-20T01:29:59.999999999Z",
      "2024-11-20T01:30:00.000000000Z",
      "2024-11-20T01:30:00.000000001Z",
      "2024-11-20T01:30:00.500000000Z",
    ]);
  });

  // biome-ignore format: one case per line reads as a table
  test.each([
    ["no offset", "2024-11-20T09:30:00", "time: must be an RFC 3339 date-time with an offset"],
    ["a date only", "2024-11-20", "time: must be an RFC 3339 date-time with an offset"],
    ["a space separator", "2024-11-20 09:30:00Z", "time: must be an RFC 3339 date-time with an offset"],
    ["an offset without a colon", "2024-11-20T09:30:00+0800", "time: must be an RFC 3339 date-time with an offset"],
    ["no seconds", "2024-11-20T09:30+08:00", "time: must be an RFC 3339 date-time with an offset"],
    ["an empty fraction", "2024-11-20T09:30:00.Z", "time: must be an RFC 3339 date-time with an offset"],
    ["not a real date", "2023-02-29T09:30:00Z", "time: 2023-02-29 is not a real calendar date"],
    ["month 13", "2024-13-01T09:30:00Z", "time: 2024-13-01 is not a real calendar date"],
    ["hour 24", "2024-11-20T24:00:00Z", "time: hour 24 is out of range 00–23"],
    ["minute 60", "2024-11-20T09:60:00Z", "time: minute 60 is out of range 00–59"],
    ["second 60 (leap second)", "2024-11-20T23:59:60Z", "time: second 60 is out of range 00–59"],
    ["offset hour 24", "2024-11-20T09:30:00+24:00", "time: offset +24:00 is out of range"],
    ["offset minute 60", "2024-11-20T09:30:00+08:60", "time: offset +08:60 is out of range"],
    ["a year before 0000 in UTC", "0000-01-01T00:00:00+01:00", "time: is outside the years 0000–9999 in UTC"],
    ["0000-01-01T00:00:00+23:59 (UTC -0001-12-31)", "0000-01-01T00:00:00+23:59", "time: is outside the years 0000–9999 in UTC"],
    ["9999-12-31T23:59:59-23:59 (UTC 10000-01-01)", "9999-12-31T23:59:59-23:59", "time: is outside the years 0000–9999 in UTC"],
    ["9999-12-31T16:00:00Z (China date 10000-01-01)", "9999-12-31T16:00:00Z", "time: is outside the years 0000–9999 as a China (UTC+8) date"],
    ["9999-12-31T20:00:00Z (China date 10000-01-01)", "9999-12-31T20:00:00Z", "time: is outside the years 0000–9999 as a China (UTC+8) date"],
  ])("%s is not-cloudevent", (_rule, time, detail) => {
    expectRejected(raw("loan.filed", VALID["loan.filed"], { time }), "not-cloudevent", detail);
  });
});

describe("future-date: a fact date after D + 1, D the China date of time", () => {
  // 17:00Z is 01:00 the next day in UTC+8: D = 2024-11-21, not the UTC date 2024-11-20.
  const time = "2024-11-20T17:00:00Z";
  test("D + 1 is accepted", () => {
    accepted(rawWith("hte.certification.granted", "issuedOn", "2024-11-22", { time }));
  });
  test("D + 2 is rejected", () => {
    expectRejected(
      rawWith("hte.certification.granted", "issuedOn", "2024-11-23", { time }),
      "future-date",
      "data.issuedOn: 2024-11-23 is after 2024-11-22, the day after the China date of time (2024-11-21)",
    );
  });
  test("D is the China date, not the UTC date", () => {
    expectRejected(
      rawWith("hte.certification.granted", "issuedOn", "2024-11-22", { time: "2024-11-20T15:59:59Z" }),
      "future-date",
      "data.issuedOn: 2024-11-22 is after 2024-11-21",
    );
  });
  test("D + 1 across a month and leap day", () => {
    accepted(rawWith("loan.filed", "filedOn", "2024-03-01", { time: "2024-02-29T00:00:00+08:00" }));
    expectRejected(
      rawWith("loan.filed", "filedOn", "2024-03-02", { time: "2024-02-29T00:00:00+08:00" }),
      "future-date",
      "data.filedOn:",
    );
  });

  // 2024-12-31T16:00Z is 2025-01-01 in China: a year field may be 2026, not 2027.
  const newYear = "2024-12-31T16:00:00Z";
  test("year D.year + 1 is accepted", () => {
    accepted(rawWith("district.target.set", "year", 2026, { time: newYear }));
  });
  test("year D.year + 2 is rejected", () => {
    expectRejected(
      rawWith("district.target.set", "year", 2027, { time: newYear }),
      "future-date",
      "data.year: 2027 is after 2026, the year after the China date of time (2025-01-01)",
    );
  });

  // clock.day is dated by the China date of its scheduled instant (tested below).
  const dated = FACT_TYPES.flatMap((type) => {
    const spec = FACT_DATE_FIELDS[type];
    if (spec.kind === "none" || type === "clock.day") return [];
    return [{ type, field: spec.field, far: spec.kind === "year" ? 2030 : "2030-01-01" }];
  });
  test.each(dated)("$type is checked on its fact date", ({ type, field, far }) => {
    expectRejected(rawWith(type, field, far), "future-date", `data.${field}: ${far} is after`);
  });

  test("productFiledUntil is never checked against time", () => {
    accepted(rawWith("product.first-purchase.recorded", "productFiledUntil", "2099-12-31"));
  });

  test("at the last China date, 9999-12-31, every fact date is D + 1 or earlier", () => {
    const time = "9999-12-31T23:59:59+23:59";
    accepted(rawWith("loan.filed", "filedOn", "2024-02-01", { time }));
    accepted(rawWith("district.target.set", "year", 2100, { time }));
  });

  test("at the first China date, 0000-01-01, a fact date after 0000-01-02 is future-date", () => {
    const time = "0000-01-01T23:59:59+23:59";
    expectRejected(
      rawWith("loan.filed", "filedOn", "2024-02-01", { time }),
      "future-date",
      "data.filedOn: 2024-02-01 is after 0000-01-02, the day after the China date of time (0000-01-01)",
    );
    expectRejected(
      rawWith("district.target.set", "year", 2000, { time }),
      "future-date",
      "data.year: 2000 is after 1, the year after the China date of time (0000-01-01)",
    );
  });

  test("a past fact date is accepted however old", () => {
    accepted(raw("loan.filed", withField(VALID["loan.filed"], "filedOn", "2000-01-01")));
  });
});

describe("clock.day: the China date of the schedule's instant", () => {
  test("16:00 UTC is midnight in China: the next day", () => {
    const parsed = accepted(rawWith("clock.day", "scheduledTime", "2024-11-19T16:00:00Z"));
    expect((parsed.data as { date: string }).date).toBe("2024-11-20");
  });
  test("a schedule more than a day ahead of the message's time is future-date", () => {
    expectRejected(
      rawWith("clock.day", "scheduledTime", "2030-01-01T00:00:00+08:00"),
      "future-date",
      "data.date: 2030-01-01 is after",
    );
  });
});
