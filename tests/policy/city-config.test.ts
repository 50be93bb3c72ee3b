import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { periodBudget } from "../../shared/policy/budgets";
import { parseCityConfig } from "../../shared/policy/city";
import { CityConfigError } from "../../shared/policy/errors";
import { CITIES_DIR, cityIds, readCity } from "../../shared/policy/files";

const jinan = () => JSON.parse(readFileSync(join(CITIES_DIR, "jinan.json"), "utf8"));
type Edit = (city: ReturnType<typeof jinan>) => void;
const program = (city: ReturnType<typeof jinan>, id: string) =>
  city.policyVersions[0].programs.find((p: { id: string }) => p.id === id);

describe("city files", () => {
  test.each(cityIds())("%s loads and validates", (id) => {
    expect(readCity(id).city).toBe(id);
  });

  test("jinan implements every row of its policy table", () => {
    const ids = readCity("jinan").file.policyVersions[0]?.programs.map((p) => p.id);
    expect(ids?.sort()).toEqual(
      [
        "carrier-national-award",
        "carrier-hte-bonus",
        "carrier-municipal-excellent",
        "rd-subsidy",
        "innovation-voucher",
        "loan-risk-compensation",
        "hte-first-award",
        "hte-renewal-award",
        "hte-district-bonus",
        "innovation-center-award",
        "first-purchase-developer",
        "first-purchase-buyer",
        "transfer-institution-turnover",
        "transfer-institution-national",
        "transfer-institution-provincial-demo",
        "tech-contract-rd",
        "tech-contract-service",
        "sme-tech-purchase",
      ].sort(),
    );
  });

  const broken: [string, Edit, RegExp][] = [
    [
      "an amount that is not a yuan string names the program and field",
      (c) => {
        program(c, "hte-first-award").amountYuan.values.above = 300000;
      },
      /program hte-first-award\)\.amountYuan/,
    ],
    [
      "a float rate is refused: rates are integer basis points",
      (c) => {
        program(c, "rd-subsidy").rate.values.hte.basisPoints = 2.5;
      },
      /program rd-subsidy\)\.rate/,
    ],
    [
      "an unknown program kind",
      (c) => {
        program(c, "hte-renewal-award").kind = "lottery";
      },
      /program hte-renewal-award\)\.kind/,
    ],
    [
      "a clause without its § reference",
      (c) => {
        program(c, "sme-tech-purchase").clause = "济南 三年行动计划";
      },
      /program sme-tech-purchase\)\.clause: must cite the clause/,
    ],
    [
      "a beneficiary that is not a party of the trigger",
      (c) => {
        program(c, "carrier-hte-bonus").beneficiary = "bank";
      },
      /program carrier-hte-bonus\.beneficiary: 'bank' is not a party of hte\.certification\.granted/,
    ],
    [
      "a window that is not whole years",
      (c) => {
        c.policyVersions[0].inForce.from = "2023-07-01";
      },
      /policyVersions\[0\] \(jinan-2023\)\.inForce\.from: must be 1 January/,
    ],
    [
      "a budget outside the version's years",
      (c) => {
        program(c, "hte-first-award").budgetsYuan = { "2030": "1000000" };
      },
      /program hte-first-award\.budgetsYuan\.2030: outside the version's years 2023–2025/,
    ],
    [
      "a district listed twice",
      (c) => {
        c.districts.push({ id: "370102", name: "历下区" });
      },
      /districts: 370102 is listed twice/,
    ],
    [
      "an unknown field",
      (c) => {
        program(c, "rd-subsidy").capYaun = "1";
      },
      /program rd-subsidy\)/,
    ],
    [
      "funders whose shares do not sum to 10,000",
      (c) => {
        program(c, "hte-first-award").funders = [
          { funder: "city", name: "市级财政", shareBasisPoints: 4000 },
          { funder: "district", name: "区级财政", shareBasisPoints: 5000 },
        ];
      },
      /program hte-first-award\.funders: shares sum to 9000 basis points, not 10000/,
    ],
    [
      "a funder listed twice",
      (c) => {
        program(c, "hte-first-award").funders = [
          { funder: "city", name: "市级财政", shareBasisPoints: 5000 },
          { funder: "city", name: "市级财政", shareBasisPoints: 5000 },
        ];
      },
      /program hte-first-award\.funders: city is listed twice/,
    ],
    [
      "a funder's share that is not whole basis points",
      (c) => {
        program(c, "hte-first-award").funders = [
          { funder: "city", name: "市级财政", shareBasisPoints: 99.5 },
        ];
      },
      /\(program hte-first-award\)\.funders\[0\]\.shareBasisPoints/,
    ],
    [
      "a budget by funder for a program without funders",
      (c) => {
        program(c, "hte-first-award").budgetsYuan = { "2024": { city: "1000000" } };
      },
      /program hte-first-award\.budgetsYuan\.2024: a budget by funder needs the program's funders/,
    ],
    [
      "a budget by funder that misses a funder and names another",
      (c) => {
        program(c, "hte-first-award").funders = [
          { funder: "city", name: "市级财政", shareBasisPoints: 4000 },
          { funder: "district", name: "区级财政", shareBasisPoints: 6000 },
        ];
        program(c, "hte-first-award").budgetsYuan = { "2024": { city: "1000000", park: "500000" } };
      },
      /budgetsYuan\.2024\.park: not a funder of the program \(its funders: city, district\).*budgetsYuan\.2024: no budget for funder district/s,
    ],
    [
      "a funder's budget that is not a yuan amount",
      (c) => {
        program(c, "hte-first-award").budgetsYuan = { "2024": { city: 1000000 } };
      },
      /\(program hte-first-award\)\.budgetsYuan\.2024/,
    ],
    [
      "a receive limit below 5",
      (c) => {
        c.operations.ingest.receiveLimit = 2;
      },
      /operations\.ingest\.receiveLimit/,
    ],
  ];
  test.each(broken)("a broken file fails naming the file and field: %s", (_name, edit, expected) => {
    const city = jinan();
    edit(city);
    const load = () => parseCityConfig(city, "cities/jinan.json");
    expect(load).toThrow(CityConfigError);
    expect(load).toThrow(/^cities\/jinan\.json: invalid city configuration/);
    expect(load).toThrow(expected);
  });
});

test("a budget by funder is read in the order of the program's funders, summing to the program's", () => {
  const city = jinan();
  const award = program(city, "hte-first-award");
  award.funders = [
    { funder: "city", name: "市级财政", shareBasisPoints: 4000 },
    { funder: "district", name: "区级财政", shareBasisPoints: 6000 },
  ];
  award.budgetsYuan = { "2024": { district: "500000", city: "1000000.01" }, "2025": "2000000" };
  const parsed = parseCityConfig(city, "cities/jinan.json").program("jinan-2023", "hte-first-award");
  expect(parsed && periodBudget(parsed, 2024)).toEqual({
    allocatedFen: 150_000_001n,
    byFunder: [
      { funder: "city", allocatedFen: 100_000_001n },
      { funder: "district", allocatedFen: 50_000_000n },
    ],
  });
  expect(parsed && periodBudget(parsed, 2025)).toEqual({ allocatedFen: 200_000_000n });
  expect(parsed && periodBudget(parsed, 2023)).toBeUndefined();
});

describe("operations.alarms: when a money message has waited too long", () => {
  test("a city file without it gets the defaults: payouts 24 h, rejections 72 h, relay 15 min", () => {
    const city = jinan();
    delete city.operations.alarms;
    expect(parseCityConfig(city, "cities/jinan.json").file.operations.alarms).toEqual({
      payoutsOldestMessageHours: 24,
      rejectedOldestMessageHours: 72,
      relayIteratorAgeMinutes: 15,
    });
  });

  test("a field left out takes its default; the others stay", () => {
    const city = jinan();
    city.operations.alarms = { payoutsOldestMessageHours: 6 };
    expect(parseCityConfig(city, "cities/jinan.json").file.operations.alarms).toMatchObject({
      payoutsOldestMessageHours: 6,
      rejectedOldestMessageHours: 72,
    });
  });

  test("the relay alarm must come before its records are given up (relay.maxRecordAgeHours)", () => {
    const city = jinan();
    city.operations.relay.maxRecordAgeHours = 1;
    city.operations.alarms = { relayIteratorAgeMinutes: 60 };
    expect(() => parseCityConfig(city, "cities/jinan.json")).toThrow(
      /operations\.alarms\.relayIteratorAgeMinutes: 60 is not below relay\.maxRecordAgeHours \(1 h\)/,
    );
  });
});
