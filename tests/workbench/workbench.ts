/**
 * One workbench for a browser suite: the local stack on its own engines fed a stream, the console and API
 * behind the local HTTP adapter, headless Chromium, and the desks signed in — all stopped by `close`.
 */
import type { Browser } from "playwright-core";
import { expect } from "vitest";
import type { WorkbenchServer } from "../../local/http";
import { serveWorkbench } from "../../local/serve";
import { LocalStack } from "../../local/stack";
import type { CityPolicy } from "../../shared/policy/city";
import { dynamoEndpoint, sqsEndpoint, uniqueName } from "../support/engines";
import { type Desk, launch, signIn } from "./browser";

export interface WorkbenchOptions {
  city: CityPolicy;
  lines: string[];
  prefix: string;
  /** Run once the stack is up, before the workbench handler is loaded (its environment). */
  beforeServe?: () => void;
}

export class Workbench {
  readonly desks: Desk[] = [];
  private constructor(
    readonly stack: LocalStack,
    readonly server: WorkbenchServer,
    readonly browser: Browser,
  ) {}

  static async open(options: WorkbenchOptions): Promise<Workbench> {
    const stack = await LocalStack.start({
      city: options.city,
      endpoints: { dynamodb: dynamoEndpoint(), sqs: sqsEndpoint() },
      prefix: uniqueName(options.prefix),
      visibilityTimeoutSeconds: 10,
      workers: 2,
    });
    expect(await stack.publish(options.lines)).toEqual([]);
    await stack.quiet();
    options.beforeServe?.();
    const server = await serveWorkbench(stack);
    return new Workbench(stack, server, await launch());
  }

  /** A fresh browser context signed in as `login` in `role`. */
  async desk(login: string, role: string): Promise<Desk> {
    const signedIn = await signIn(this.browser, this.server.origin, login, role);
    this.desks.push(signedIn);
    return signedIn;
  }

  /** Facts the workbench channel's ingest has been handed so far. */
  facts(): number {
    return this.stack.ingest.find((s) => s.name === "ingest-workbench")?.counters.records ?? -1;
  }

  async close(): Promise<void> {
    await this.browser.close();
    await this.server.stop();
    await this.stack.stop({ removeResources: true });
  }
}
