/**
 * The workbench API on the local stack: the real handler module's routes over DynamoDB Local and the SQS
 * emulator, after a small lifecycle (a year's certifications, a batch closed by the API, its window run
 * out by clock days). Every route, bad requests (a 4xx problem, nothing published), role refusals (403,
 * nothing published), and maker–checker enforced by the core on a fact the API did publish.
 */
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createWorkbenchHandler, type StaffChannel } from "../../functions/workbench/app";
import { sqsStaffChannel } from "../../functions/workbench/staff-channel";
import { LocalStack } from "../../local/stack";
import { DynamoLedgerReader } from "../../shared/ledger/reader";
import { readCity } from "../../shared/policy/files";
import { dynamoEndpoint, sqsEndpoint, uniqueName } from "../support/engines";
import { certification, type ScenarioEvent, toLine } from "../support/scenarios";
import { type Call, callWith } from "../support/workbench";

const city = readCity("jinan");
const DISTRICTS = ["370102", "370103", "370104", "370105"];
const grant = (n: number, day: string): ScenarioEvent => {
  const event = certification(n, day);
  return { ...event, data: { ...event.data, district: DISTRICTS[n % DISTRICTS.length] } };
};
const clock = (id: string, date: string): ScenarioEvent => ({ type: "clock.day", id, data: { date } });
const BATCH = "hte-first-award-2024-1";

let stack: LocalStack;
let call: Call;
/** Every staff fact the API sent, in order: what "nothing published" is checked against. */
const sent: string[] = [];
let line = 0;
const publish = async (events: ScenarioEvent[]) => {
  await stack.publish(events.map((e) => toLine(e, line++, "jinan")));
  await stack.quiet();
};

beforeAll(async () => {
  stack = await LocalStack.start({
    city,
    endpoints: { dynamodb: dynamoEndpoint(), sqs: sqsEndpoint() },
    prefix: uniqueName("workbench"),
    visibilityTimeoutSeconds: 10,
    workers: 2,
  });
  const channel = stack.resources.channels.find((c) => c.publisherId === "workbench");
  if (!channel) throw new Error("the template has no workbench channel");
  const real = sqsStaffChannel(stack.sqs, channel.ingestQueueUrl);
  const staff: StaffChannel = {
    send: async (body) => {
      sent.push(body);
      await real.send(body);
    },
  };
  const reader = new DynamoLedgerReader(stack.dynamodb, stack.resources.tableName, city);
  call = callWith(createWorkbenchHandler({ city, reader, staff, now: () => new Date().toISOString() }));
  await publish([
    clock("d1", "2024-09-02"),
    ...Array.from({ length: 8 }, (_, i) => grant(i + 1, "2024-09-02")),
    clock("d2", "2024-09-03"),
  ]);
}, 120_000);
afterAll(() => stack?.stop({ removeResources: true }));

const preparer = { role: "jinan-workbench-preparer", login: "wang.min" };
const approver = { role: "jinan-workbench-approver", login: "zhang.qiang" };
const auditor = { role: "jinan-workbench-approver-auditor", login: "chen.jing" };
const viewer = { role: "jinan-workbench-viewer", login: "liu.yang" };

describe("actions publish staff facts the core decides", () => {
  test("a preparer closes the batch: 202, one batch.closed with the verified actor, the batch is closed", async () => {
    const response = await call("POST", `/batches/${BATCH}/close`, { as: preparer, key: "close-1" });
    expect(response.status).toBe(202);
    expect(response.json).toMatchObject({ factId: "close-1", type: "batch.closed" });
    const fact = JSON.parse(sent.at(-1) ?? "{}");
    expect(fact).toMatchObject({
      id: "close-1",
      source: "staff/workbench",
      type: "batch.closed",
      data: { batchId: BATCH, actor: { id: "wang.min", name: "王敏", roles: ["preparer"] } },
    });
    await stack.quiet();
    const batches = await call("GET", "/periods/2024/programs/hte-first-award/batches", { as: viewer });
    expect(batches.json.items).toMatchObject([
      { batchId: BATCH, closedBy: { id: "wang.min", name: "王敏" }, lineCount: 8, phase: "in-publicity" },
    ]);
  });

  test("the preparer's own session may not approve: 403, nothing published", async () => {
    const before = sent.length;
    const response = await call("POST", `/batches/${BATCH}/approve`, { as: preparer, key: "approve-0" });
    expect(response.status).toBe(403);
    expect(response.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(response.json).toMatchObject({ type: "urn:autogrant:problem:forbidden", status: 403 });
    expect(response.json.detail).toMatch(/needs approver/);
    expect(sent.length).toBe(before);
  });

  test("the preparer approving as an approver is published, and the core rejects it: maker–checker", async () => {
    await publish([clock("d3", "2024-09-20")]);
    await stack.collect(); // what the stack's queues held before: only this approval's outcome is read below
    const asApprover = { role: "jinan-workbench-approver", login: "wang.min" };
    const response = await call("POST", `/batches/${BATCH}/approve`, { as: asApprover, key: "approve-1" });
    expect(response.status).toBe(202);
    await stack.quiet();
    const { rejections } = await stack.collect();
    expect(rejections).toMatchObject([
      { id: "approve-1", source: "staff/workbench", type: "batch.approved" },
    ]);
    const batches = await call("GET", "/periods/2024/programs/hte-first-award/batches", { as: viewer });
    expect(batches.json.items[0]).toMatchObject({ phase: "awaiting-approval", approvedOn: null });
  });

  test("another approver approves: applied; the same key again is one fact", async () => {
    const first = await call("POST", `/batches/${BATCH}/approve`, { as: approver, key: "approve-2" });
    expect(first.status).toBe(202);
    await stack.quiet();
    const before = sent.length;
    const retried = await call("POST", `/batches/${BATCH}/approve`, { as: approver, key: "approve-2" });
    expect([retried.status, retried.json.duplicate, sent.length]).toEqual([202, true, before]);
    expect((await stack.collect()).rejections).toEqual([]);
    const batches = await call("GET", "/periods/2024/programs/hte-first-award/batches", { as: viewer });
    expect(batches.json.items[0]).toMatchObject({ phase: "approved", approvedBy: { id: "zhang.qiang" } });
  });

  test("an approver allocates budget: a budget.allocated fact", async () => {
    const body = { policyVersion: "jinan-2023", program: "rd-subsidy", period: 2024, amount: "100000.00" };
    const response = await call("POST", "/budgets", { as: approver, key: "alloc-1", body });
    expect([response.status, response.json]).toEqual([
      202,
      expect.objectContaining({ type: "budget.allocated" }),
    ]);
    expect(JSON.parse(sent.at(-1) ?? "{}").data).toMatchObject({ ...body, allocationId: "ALLOC-1" });
  });
});

describe("reads", () => {
  test("lines: every line with its state, batch, district and amounts as strings; filters and pages", async () => {
    const all = await call("GET", "/periods/2024/programs/hte-first-award/lines", { as: viewer });
    expect(all.status).toBe(200);
    expect(all.json.items).toHaveLength(8);
    expect(all.json.items[0]).toMatchObject({
      batchId: BATCH,
      remaining: { amount: "300000.00", amountFen: "30000000" },
      beneficiary: { kind: "enterprise" },
    });
    const lixia = await call("GET", "/periods/2024/programs/hte-first-award/lines", {
      as: viewer,
      query: { district: "370102" },
    });
    expect(lixia.json.items.length).toBe(
      all.json.items.filter((l: { district: string }) => l.district === "370102").length,
    );
    const first = await call("GET", "/periods/2024/programs/hte-first-award/lines", {
      as: viewer,
      query: { limit: "5" },
    });
    expect(first.json.items).toHaveLength(5);
    const rest = await call("GET", "/periods/2024/programs/hte-first-award/lines", {
      as: viewer,
      query: { limit: "5", cursor: first.json.nextCursor },
    });
    const ids = [...first.json.items, ...rest.json.items].map((l: { lineId: string }) => l.lineId);
    expect(new Set(ids)).toEqual(new Set(all.json.items.map((l: { lineId: string }) => l.lineId)));
  });

  test("payouts by status and a beneficiary's payouts, from the finance indexes", async () => {
    const payable = await call("GET", "/periods/2024/payouts", { as: viewer, query: { status: "payable" } });
    expect(payable.status).toBe(200);
    const award = payable.json.items.filter((p: { program: string }) => p.program === "hte-first-award");
    expect(award).toHaveLength(8);
    expect(award[0]).toMatchObject({ kind: "payout", amount: "300000.00", amountFen: "30000000" });
    const { kind, id } = award[0].beneficiary;
    const mine = await call("GET", `/beneficiaries/${kind}/${id}/payouts`, {
      as: viewer,
      query: { period: "2024" },
    });
    expect(mine.json.items.map((p: { beneficiary: { id: string } }) => p.beneficiary.id)).toContain(id);
  });

  test("overview totals are the payout items' fen sums; budgets listed", async () => {
    const overview = await call("GET", "/periods/2024/overview", { as: viewer });
    expect(overview.status).toBe(200);
    const award = overview.json.byProgram.find((p: { program: string }) => p.program === "hte-first-award");
    expect(award).toMatchObject({ payouts: { amount: "2400000.00", amountFen: "240000000" }, count: 8 });
    const districtFen = overview.json.byDistrict.reduce(
      (s: bigint, d: { net: { amountFen: string } }) => s + BigInt(d.net.amountFen),
      0n,
    );
    expect(districtFen.toString()).toBe(overview.json.totals.net.amountFen);
    expect(overview.json.byMonth.map((m: { month: string }) => m.month)).toEqual(["2024-09"]);
    const budgets = await call("GET", "/periods/2024/budgets", { as: viewer });
    expect(budgets.status).toBe(200);
    expect(budgets.json).toEqual({ period: 2024, budgets: overview.json.budgets });
  });

  test("reconciliation, for an auditor: balanced, lines by state", async () => {
    const report = await call("GET", "/periods/2024/reconciliation", { as: auditor });
    expect(report.status).toBe(200);
    expect(report.json).toMatchObject({ period: 2024, balanced: true, unbalanced: [] });
    expect(report.json.states.length).toBeGreaterThan(0);
    const refused = await call("GET", "/periods/2024/reconciliation", { as: viewer });
    expect(refused.status).toBe(403);
  });

  test("exports: the 公示 list as CSV (BOM, total to the fen) and XLSX (text yuan, integer fen)", async () => {
    const base = `/periods/2024/programs/hte-first-award/batches/${BATCH}`;
    const csv = await call("GET", `${base}/publicity.csv`, { as: viewer });
    expect(csv.status).toBe(200);
    expect(csv.body.startsWith("\uFEFF序号,")).toBe(true);
    const rows = csv.body.trim().split("\r\n");
    expect(rows).toHaveLength(1 + 8 + 1);
    expect(rows.at(-1)).toMatch(/^合计,8,.*,2400000\.00,240000000$/);
    const xlsx = await call("GET", `${base}/publicity.xlsx`, { as: viewer });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(xlsx.body, "base64") as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    const last = sheet?.getRow(sheet.rowCount).values as unknown[];
    expect(last.slice(-2)).toEqual(["2400000.00", 240000000]);
    const payments = await call("GET", `${base}/payments.csv`, { as: viewer });
    expect(payments.status).toBe(200);
  });
});

describe("bad requests: a clear 4xx problem, nothing published", () => {
  const cases: [string, Parameters<Call>, number, string][] = [
    [
      "an unknown query parameter",
      ["GET", "/periods/2024/overview", { as: viewer, query: { colour: "red" } }],
      400,
      "invalid-request",
    ],
    ["a period that is not a year", ["GET", "/periods/24/budgets", { as: viewer }], 400, "invalid-request"],
    [
      "a limit out of range",
      ["GET", "/periods/2024/programs/hte-first-award/lines", { as: viewer, query: { limit: "501" } }],
      400,
      "invalid-request",
    ],
    [
      "a forged cursor",
      [
        "GET",
        "/periods/2024/programs/hte-first-award/lines",
        { as: viewer, query: { cursor: "eyJxIjoieCJ9" } },
      ],
      400,
      "invalid-cursor",
    ],
    ["an unknown program", ["GET", "/periods/2024/programs/lottery/lines", { as: viewer }], 404, "not-found"],
    ["an unknown route", ["GET", "/nowhere", { as: viewer }], 404, "not-found"],
    ["a method the path has not", ["DELETE", "/budgets", { as: approver }], 405, "method-not-allowed"],
    [
      "an action without an idempotency key",
      ["POST", `/batches/${BATCH}/close`, { as: preparer }],
      400,
      "missing-idempotency-key",
    ],
    [
      "an actor in the body",
      ["POST", `/batches/${BATCH}/close`, { as: preparer, key: "k-1", body: { actor: { id: "x" } } }],
      400,
      "invalid-request",
    ],
    [
      "a batch id that is not one",
      ["POST", "/batches/not-a-batch/close", { as: preparer, key: "k-2" }],
      400,
      "invalid-request",
    ],
    [
      "an amount that is not yuan",
      [
        "POST",
        "/budgets",
        {
          as: approver,
          key: "k-3",
          body: { policyVersion: "jinan-2023", program: "rd-subsidy", period: 2024, amount: "1e5" },
        },
      ],
      400,
      "invalid-request",
    ],
    [
      "a body that is not JSON",
      ["POST", "/budgets", { as: approver, key: "k-4", raw: "{" }],
      415,
      "unsupported-media-type",
    ],
    ["no identity at all", ["GET", "/periods/2024/overview", {}], 401, "unauthenticated"],
    [
      "a role the city file does not name",
      ["GET", "/periods/2024/overview", { as: { role: "jinan-bureau-operator", login: "liu.yang" } }],
      403,
      "forbidden",
    ],
    [
      "a viewer closing a batch",
      ["POST", `/batches/${BATCH}/close`, { as: viewer, key: "k-5" }],
      403,
      "forbidden",
    ],
    [
      "a preparer allocating budget",
      ["POST", "/budgets", { as: preparer, key: "k-6", body: {} }],
      403,
      "forbidden",
    ],
  ];
  test.each(cases)("%s", async (_name, args, status, problem) => {
    const before = sent.length;
    const response = await call(...args);
    expect(response.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(response.json).toMatchObject({ status, type: `urn:autogrant:problem:${problem}` });
    expect(response.json.detail).toMatch(/\w/);
    expect(sent.length).toBe(before);
  });

  test("an unknown query parameter is named in errors[]", async () => {
    const response = await call("GET", "/periods/2024/overview", { as: viewer, query: { colour: "red" } });
    expect(response.json.errors).toEqual([{ in: "query", name: "colour", detail: "not accepted here" }]);
  });
});
