/**
 * SigV4 on the local workbench (workbench.md § Access): the development login issues temporary credentials,
 * and the adapter verifies every /api request's signature before the handler runs, refusing as API Gateway's
 * IAM authorisation does — 403, nothing published — a missing signature, a tampered body, a wrong secret,
 * credentials it never issued or has forgotten, and a signature older than five minutes.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { WorkbenchServer } from "../../local/http";
import { serveWorkbench } from "../../local/serve";
import { LocalStack } from "../../local/stack";
import { readCity } from "../../shared/policy/files";
import { dynamoEndpoint, sqsEndpoint, uniqueName } from "../support/engines";
import { type Call, devLogin, type SignedIn, signedCall } from "./signed";
import { VOUCHER_BATCH, workbenchStream } from "./stream";

let stack: LocalStack;
let server: WorkbenchServer;
let preparer: SignedIn;

beforeAll(async () => {
  stack = await LocalStack.start({
    city: readCity("jinan"),
    endpoints: { dynamodb: dynamoEndpoint(), sqs: sqsEndpoint() },
    prefix: uniqueName("sigv4"),
    visibilityTimeoutSeconds: 10,
    workers: 2,
  });
  // The small lifecycle stream: a ledger with a clock and an open voucher batch for the one close applied.
  expect(await stack.publish(workbenchStream())).toEqual([]);
  await stack.quiet();
  server = await serveWorkbench(stack);
  preparer = await devLogin(server.origin, "wang.min", "preparer");
}, 90_000);

afterAll(async () => {
  await server?.stop();
  await stack?.stop({ removeResources: true });
});

const facts = () => stack.ingest.find((s) => s.name === "ingest-workbench")?.counters.records ?? -1;
let key = 0;
const close = (extra: Partial<Call> = {}): Call => ({
  method: "POST",
  path: `/batches/${VOUCHER_BATCH}/close`,
  body: "{}",
  headers: { "idempotency-key": `sigv4-test-${++key}` },
  ...extra,
});

/** The call is refused 403 by the adapter (problem+json, API Gateway's message) and publishes nothing. */
async function refused(signedIn: SignedIn | null, call: Call, message: RegExp): Promise<void> {
  await stack.quiet();
  const before = facts();
  const response = await signedCall(server.origin, signedIn, call);
  expect(response.status).toBe(403);
  expect(response.headers.get("content-type")).toBe("application/problem+json; charset=utf-8");
  expect(((await response.json()) as { detail: string }).detail).toMatch(message);
  await stack.quiet();
  expect(facts()).toBe(before);
}

describe("SigV4 on the local workbench API", () => {
  test("a signed read and a signed action pass; the action is one fact published", async () => {
    const read = await signedCall(server.origin, preparer, {
      method: "GET",
      path: "/periods/2024/overview?",
    });
    expect(read.status).toBe(200);
    const query = await signedCall(server.origin, preparer, {
      method: "GET",
      path: "/periods/2024/payouts?status=payable&limit=5",
    });
    expect(query.status).toBe(200);
    await stack.quiet();
    const before = facts();
    const action = await signedCall(server.origin, preparer, close());
    expect(action.status).toBe(202);
    expect(((await action.json()) as { actor: { id: string } }).actor.id).toBe("wang.min");
    await stack.quiet();
    expect(facts()).toBe(before + 1);
  });

  test("an unsigned request is refused", async () => {
    await refused(null, close(), /^Forbidden$/);
  });

  test("a tampered body is refused: the signature covers what was signed, not what arrived", async () => {
    await refused(
      preparer,
      close({ signAs: { body: '{"note":"signed"}' } }),
      /signature we calculated does not match/,
    );
  });

  test("a tampered query or header is refused", async () => {
    const payouts = "/periods/2024/payouts?status=payable";
    const url = new URL(`/api${payouts}&program=x`, server.origin);
    await refused(preparer, { method: "GET", path: payouts, signAs: { url } }, /does not match/);
    const signAs = { headers: { "content-type": "application/json", "idempotency-key": "another-key" } };
    await refused(preparer, close({ signAs }), /does not match/);
  });

  test("a wrong secret, a key never issued and a forgotten session are refused", async () => {
    const wrong = {
      ...preparer,
      credentials: { ...preparer.credentials, secretAccessKey: "not-the-secret" },
    };
    await refused(wrong, close(), /does not match/);
    const stranger = {
      ...preparer,
      credentials: { ...preparer.credentials, accessKeyId: "ASIANEVERISSUED0000" },
    };
    await refused(stranger, close(), /security token included in the request is invalid/);
    const gone = await devLogin(server.origin, "wang.min", "preparer");
    await fetch(`${server.origin}/dev/logout`, {
      method: "POST",
      body: JSON.stringify({ accessKeyId: gone.credentials.accessKeyId }),
    });
    await refused(gone, close(), /security token included in the request is invalid/);
  });

  test("a signature dated more than five minutes ago is refused", async () => {
    const signingDate = new Date(Date.now() - 6 * 60_000);
    await refused(preparer, close({ signingDate }), /^Signature expired/);
  });
});
