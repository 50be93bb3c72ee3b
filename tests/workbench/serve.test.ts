/**
 * `npm start -- --serve` as a person runs it: the stream loaded, then one line each for the console and the
 * API, both answering on 127.0.0.1 until Ctrl-C (SIGINT), which stops the stack and the engines.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, expect, test } from "vitest";
import { workbenchStream } from "./stream";

const root = join(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "serve-"));
const children: ChildProcess[] = [];
afterAll(() => {
  // A failed test must not leave the stack running.
  for (const child of children) if (child.exitCode === null) child.kill("SIGINT");
  rmSync(dir, { recursive: true, force: true });
});

test("npm start -- --serve prints the console and API addresses and serves both until Ctrl-C", async () => {
  const events = join(dir, "small.ndjson");
  writeFileSync(events, `${workbenchStream().join("\n")}\n`);
  // node itself (tsx as a loader), so Ctrl-C's SIGINT reaches the command, not a wrapper.
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "scripts/start.ts", "--serve", "--events", events, "--out", join(dir, "out.ndjson")],
    {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  children.push(child);
  // Read, so the progress lines never fill the pipe and block the command.
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const printed: string[] = [];
  const addresses = await new Promise<{ console: string; api: string }>((resolve, reject) => {
    const found: Record<string, string> = {};
    createInterface({ input: child.stdout }).on("line", (line) => {
      printed.push(line);
      const match = /^(console|api): (http:\/\/127\.0\.0\.1:\d+\/(api\/)?)$/.exec(line);
      if (match?.[1] && match[2]) found[match[1]] = match[2];
      if (found.console && found.api) resolve({ console: found.console, api: found.api });
    });
    void exited.then((code) =>
      reject(new Error(`npm start exited (${code}) before serving: ${printed.join("\n")}\n${stderr}`)),
    );
  });
  expect(addresses.api).toBe(`${addresses.console}api/`);

  const page = await fetch(addresses.console);
  expect(page.headers.get("content-type")).toContain("text/html");
  const html = await page.text();
  expect(html).toContain("AUTOGRANT_DEV");
  expect(html).toContain('src="app.js"');
  // Unsigned: refused 403 as problem+json before the handler runs, as API Gateway's IAM authorisation
  // refuses it; a login the contract does not name is refused by the development login.
  const unsigned = await fetch(`${addresses.api}periods/2024/overview`);
  expect([unsigned.status, unsigned.headers.get("content-type")]).toEqual([
    403,
    "application/problem+json; charset=utf-8",
  ]);
  const stranger = await fetch(`${addresses.console}dev/login`, {
    method: "POST",
    body: JSON.stringify({ login: "wang.min", role: "approver" }),
  });
  expect(stranger.status).toBe(400);

  child.kill("SIGINT");
  expect(await exited).toBe(130);
}, 120_000);
