/**
 * Reconciliation of a stored ledger (payments.md § Reconciliation): the DynamoDB ledger after a stream
 * reconciles exactly as the in-memory one, and an item changed behind the core's back is found — by the
 * report and by `npm run reconcile -- --table`, which then exits 1.
 */

import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { DeleteTableCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, expect, test } from "vitest";
import { createLedgerTable } from "../../local/provision";
import { cityTemplate } from "../../local/template";
import type { LineItem } from "../../shared/decisions/lifecycle/items";
import { reconcileLedger } from "../../shared/decisions/lifecycle/reconcile";
import { encodeItem } from "../../shared/ledger/codec";
import { DynamoLedger } from "../../shared/ledger/dynamo-ledger";
import { readCity } from "../../shared/policy/files";
import { MemoryLedger } from "../../shared/simulate/memory-ledger";
import { dynamoClient, dynamoEndpoint, uniqueName } from "../support/engines";
import { certification, type ScenarioEvent, toLine } from "../support/scenarios";
import { parseAsSent } from "../support/sent";
import { tsx } from "../support/tsx";

const client = dynamoClient();
const city = readCity("jinan");
const table = uniqueName("reconcile");
afterAll(async () => {
  await client.send(new DeleteTableCommand({ TableName: table }));
  client.destroy();
});

const grant = certification;
const events: ScenarioEvent[] = [
  { type: "clock.day", data: { date: "2024-03-01" } },
  grant(1, "2024-03-01"),
  grant(2, "2024-03-01"),
  { type: "clock.day", data: { date: "2024-03-04" } },
  {
    type: "batch.closed",
    source: "staff/workbench",
    data: { batchId: "hte-first-award-2024-1", actor: "preparer" },
  },
  {
    type: "hte.certification.revoked",
    data: { certificateNo: "GR2", revokedOn: "2024-03-04", reason: "撤销" },
  },
  grant(3, "2024-03-04"),
];

test("the stored ledger reconciles as memory does; a line changed behind the core's back is found", async () => {
  await createLedgerTable(await cityTemplate("jinan"), client, table);
  const stored = new DynamoLedger(client, table, city);
  const memory = new MemoryLedger(city);
  for (const [i, event] of events.entries()) {
    const parsed = parseAsSent(toLine(event, i, "jinan"));
    if (!parsed.ok) throw new Error(parsed.rejection.detail);
    const now = () => "2024-03-04T01:00:00.000Z";
    await stored.apply(parsed.message, now);
    await memory.apply(parsed.message, now);
  }
  const fromTable = await reconcileLedger(stored, city);
  expect(fromTable).toEqual(await reconcileLedger(memory, city));
  expect(fromTable.unbalanced).toEqual([]);
  expect([...fromTable.states.keys()]).toEqual(["in-batch", "in-publicity", "reduced"]);

  // 0.01 yuan more on one line, written around the core.
  const line = [...memory.items.values()].find((i): i is LineItem => i.entity === "line" && i.amountFen > 0n);
  if (!line) throw new Error("no line");
  await client.send(
    new PutItemCommand({ TableName: table, Item: encodeItem({ ...line, amountFen: line.amountFen + 1n }) }),
  );
  const after = await reconcileLedger(stored, city);
  expect(after.unbalanced.map((u) => [u.program, u.beneficiary, u.differenceFen])).toEqual([
    [line.program, `${line.beneficiary.kind}:${line.beneficiary.id}`, -1n],
  ]);

  const cli = await promisify(execFile)(
    ...tsx("scripts/reconcile.ts", ["--city", "jinan", "--table", table]),
    {
      cwd: join(import.meta.dirname, "..", ".."),
      env: {
        ...process.env,
        AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint(),
        AWS_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: "local",
        AWS_SECRET_ACCESS_KEY: "local",
      },
    },
  ).then(
    () => ({ code: 0, stdout: "" }),
    (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
  );
  expect(cli.code).toBe(1);
  // It names the unit that does not balance and by how much (money side 0.01 over the entitlement).
  expect(cli.stdout).toContain(
    `1 unbalanced\n  ${line.program} ${line.period} ${line.beneficiary.kind}:${line.beneficiary.id}: -0.01`,
  );
}, 120_000);
