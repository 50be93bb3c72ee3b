/**
 * The attacks of the authority issue, through the real handlers on the local stack (DynamoDB Local, the
 * SQS emulator, the relay running): each hostile message is sent on the queue of the publisher an attacker
 * controls — a sender is its queue (events.md § Publishers) — and must be rejected `not-authorised` to that
 * publisher's own rejected queue, leave the ledger byte-identical and put nothing on the payouts queue.
 */
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { drainQueue } from "../../local/drain";
import { LocalStack } from "../../local/stack";
import { readCity } from "../../shared/policy/files";
import { dynamoEndpoint, sqsEndpoint, uniqueName } from "../support/engines";
import { factBody } from "../support/facts";
import { usccFor } from "../support/parties";
import { tableItems } from "./support";

let stack: LocalStack;

beforeAll(async () => {
  stack = await LocalStack.start({
    city: readCity("jinan"),
    endpoints: { dynamodb: dynamoEndpoint(), sqs: sqsEndpoint() },
    prefix: uniqueName("authority"),
    visibilityTimeoutSeconds: 3,
    receiveLimit: 5,
    workers: 2,
  });
});
afterAll(() => stack?.stop({ removeResources: true }));

const channel = (id: string) => {
  const found = stack.resources.channels.find((c) => c.publisherId === id);
  if (!found) throw new Error(`no channel ${id}`);
  return found;
};

/** Sends the bodies on a publisher's queue, as that publisher's principal would, and waits until quiet. */
async function sendAs(publisherId: string, bodies: string[]): Promise<void> {
  for (const MessageBody of bodies) {
    await stack.sqs.send(
      new SendMessageCommand({ QueueUrl: channel(publisherId).ingestQueueUrl, MessageBody }),
    );
  }
  await stack.quiet();
}

/** The whole table, nested attributes included (a key list as JSON.stringify's replacer would drop them). */
const table = () => tableItems(stack);

const rejections = async (publisherId: string) =>
  (await drainQueue(stack.sqs, channel(publisherId).rejectedQueueUrl)).map((b) => JSON.parse(b));
const payouts = async () =>
  (await drainQueue(stack.sqs, stack.resources.payoutsQueueUrl)).map((b) => JSON.parse(b));

const fact = (source: string, type: string, id: string, data: Record<string, unknown>) =>
  factBody({ source, type, id, data });
const HTE = "registry/hte-certification";
const certificate = (no: string, who: string) =>
  fact(HTE, "hte.certification.granted", no, {
    certificateNo: no,
    enterprise: { uscc: usccFor(who), name: `${who} 科技有限公司` },
    kind: "first",
    scale: "above",
    district: "370102",
    issuedOn: "2024-11-20",
  });

describe("authority: a fact stands only when its sender may assert it", () => {
  const fakeLoan = () => [
    fact("registry/risk-compensation", "loan.filed", "FAKE-L1", {
      loanId: "FAKE-1",
      bank: { id: "no-such-bank", name: "不存在银行" },
      borrower: { uscc: usccFor("FAKE"), name: "虚构科技有限公司" },
      principal: "999999999999.99",
      filedOn: "2024-11-01",
    }),
    fact("registry/risk-compensation", "loan.defaulted", "FAKE-D1", {
      loanId: "FAKE-1",
      nonPerformingPrincipal: "999999999999.99",
      confirmedOn: "2024-11-19",
    }),
  ];

  test("a loan filed and defaulted for a bank that does not exist, under another registry's source", async () => {
    const before = await table();
    await sendAs("tech-market", fakeLoan());

    expect((await rejections("tech-market")).map((r) => [r.type, r.reason])).toEqual([
      ["loan.filed", "not-authorised"],
      ["loan.defaulted", "not-authorised"],
    ]);
    expect(await rejections("risk-compensation")).toEqual([]);
    expect(await table()).toEqual(before);
    expect(await payouts()).toEqual([]);
  });

  test("a revocation under the tech market's source does not claw back a real award", async () => {
    await sendAs("hte-certification", [certificate("GR-REAL-1", "REAL1")]);
    expect((await payouts()).map((p) => [p.program, p.amount])).toEqual([["hte-first-award", "300000.00"]]);
    const before = await table();

    const revoke = { certificateNo: "GR-REAL-1", revokedOn: "2024-11-20", reason: "越权撤销" };
    await sendAs("tech-market", [
      fact("registry/tech-market", "hte.certification.revoked", "TM-REV-1", revoke),
      fact(HTE, "hte.certification.revoked", "TM-REV-2", revoke),
    ]);

    expect((await rejections("tech-market")).map((r) => [r.id, r.reason, r.detail])).toEqual([
      [
        "TM-REV-1",
        "not-authorised",
        'type: the publisher of "registry/tech-market" may not assert hte.certification.revoked',
      ],
      ["TM-REV-2", "not-authorised", `source: "${HTE}" is not a source this sender publishes under`],
    ]);
    expect(await table()).toEqual(before);
    expect(await payouts()).toEqual([]);
  });

  test("a forger who sends first under a real certificate's (source, id) takes nothing and blocks nothing", async () => {
    const before = await table();
    // The forger's own queue, the genuine registry's source, id and certificate, the forger's enterprise.
    await sendAs("tech-market", [certificate("GR-REAL-2", "FORGER")]);
    expect((await rejections("tech-market")).map((r) => [r.id, r.reason])).toEqual([
      ["GR-REAL-2", "not-authorised"],
    ]);
    expect(await table()).toEqual(before);
    expect(await payouts()).toEqual([]);

    await sendAs("hte-certification", [certificate("GR-REAL-2", "GENUINE")]);
    expect(await rejections("hte-certification")).toEqual([]);
    expect((await payouts()).map((p) => [p.program, p.beneficiary.id, p.amount])).toEqual([
      ["hte-first-award", usccFor("GENUINE"), "300000.00"],
    ]);
  });

  test("control: the loan messages are refused for authority alone — from their registry's queue they pay", async () => {
    await sendAs("risk-compensation", fakeLoan());
    expect(await rejections("risk-compensation")).toEqual([]);
    expect((await payouts()).map((p) => [p.program, p.amount])).toEqual([
      ["loan-risk-compensation", "349999999999.99"],
    ]);
  });
});
