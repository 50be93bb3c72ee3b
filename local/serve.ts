/**
 * The workbench on the local stack: the console built into static files, the workbench API's handler
 * module loaded exactly as the Lambda loads it (after the stack has set the environment the template gives
 * the functions: table, queues, city), and the HTTP adapter in front of both.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildConsole } from "../console/build";
import { DevLogin } from "./dev-login";
import { WorkbenchSetupError } from "./errors";
import { WorkbenchServer } from "./http";
import type { LocalStack } from "./stack";

export interface ServeOptions {
  /** 0 or absent: a free port. */
  port?: number;
  /** Where the console is built; default a fresh temporary directory. */
  consoleDir?: string;
}

export async function serveWorkbench(
  stack: LocalStack,
  options: ServeOptions = {},
): Promise<WorkbenchServer> {
  const consoleDir = await buildConsole(
    options.consoleDir ?? mkdtempSync(join(tmpdir(), "autogrant-console-")),
  );
  // The stack has loaded the other handlers with the functions' environment set (table, city, endpoints);
  // this module reads it too, and its own queue: the staff channel's ingest queue, as the stack grants it.
  process.env.STAFF_QUEUE_URL ??= staffQueueUrl(stack);
  const { handler } = await import("../functions/workbench/handler");
  return WorkbenchServer.start({
    stack,
    consoleDir,
    handler,
    login: DevLogin.forCity(stack.options.city),
    ...(options.port === undefined ? {} : { port: options.port }),
  });
}

function staffQueueUrl(stack: LocalStack): string {
  const staff = stack.options.city.publishers.find((p) => p.channel === "staff");
  const channel = stack.resources.channels.find((c) => c.publisherId === staff?.id);
  if (!channel)
    throw new WorkbenchSetupError(`${stack.options.city.city} has no staff channel for the workbench`);
  return channel.ingestQueueUrl;
}
