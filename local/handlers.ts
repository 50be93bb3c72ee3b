/**
 * Loads the real, unchanged Lambda handler modules (functions/ingest/handler.ts and
 * functions/relay/handler.ts) in this process, pointed at the local engines.
 *
 * The modules read their configuration from the environment when they load, and create their
 * AWS SDK clients with no config, so everything is set through process.env before the dynamic
 * import: the SDK (v3, via @smithy/core's endpoint config) honours AWS_ENDPOINT_URL_DYNAMODB and
 * AWS_ENDPOINT_URL_SQS (service-specific before the generic AWS_ENDPOINT_URL), and takes region
 * and credentials from AWS_REGION / AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. For SQS the
 * QueueUrl's host still wins over that endpoint (see handlerSqsEndpoint).
 *
 * Concurrency: Lambda runs one invocation per execution environment, but the event sources here
 * run several invocations at once in one process against one module instance. The handlers'
 * module-level Powertools BatchProcessor keeps per-invocation state; it is only safe for
 * concurrent invocations in Lambda's multi-concurrency mode (AWS_LAMBDA_MAX_CONCURRENCY set, state
 * kept per invocation in globalThis.awslambda.InvokeStore). So this sets AWS_LAMBDA_MAX_CONCURRENCY,
 * installs an AsyncLocalStorage-backed InvokeStore and runs every invocation in its own context,
 * as the Lambda Node.js runtime does for Lambda Managed Instances. (Without it, concurrent ingest
 * invocations return each other's batchItemFailures: tests/local/handlers.test.ts.)
 *
 * ES modules are loaded once per process, so one process serves one environment: a second call
 * with a different environment throws instead of silently returning handlers bound to the first.
 */

import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { InvokeStoreBase } from "@aws/lambda-invoke-store";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type {
  Context,
  DynamoDBBatchResponse,
  DynamoDBStreamEvent,
  SQSBatchResponse,
  SQSEvent,
} from "aws-lambda";
import { LOCAL_REGION, loadFauxqs } from "./engines";
import { InvocationEndedError } from "./errors";
import type { LocalResources } from "./provision";

/** Powertools Logger levels (POWERTOOLS_LOG_LEVEL). */
export type LocalLogLevel = "TRACE" | "DEBUG" | "INFO" | "WARN" | "ERROR" | "CRITICAL" | "SILENT";

export interface LocalHandlerEnv
  extends Pick<LocalResources, "tableName" | "rejectedQueueUrl" | "payoutsQueueUrl"> {
  /** Every queue variable of the functions with its local URL (provision.ts `queueEnv`). */
  queueEnv?: Record<string, string>;
  /** City id: cities/<city>.json is read by the ingest module (AUTOGRANT_CITY). */
  city: string;
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  /** Default LOCAL_REGION (us-east-1). */
  region?: string;
  /**
   * Powertools log level. Default "ERROR": the ingest handler logs every applied fact at INFO and
   * every rejection at WARN, which floods a 1,500-event run.
   */
  logLevel?: LocalLogLevel;
  /** AWS_LAMBDA_MAX_CONCURRENCY: informative only (any value switches Powertools to per-invocation state). Default 64. */
  maxConcurrency?: number;
}

export type IngestHandler = (event: SQSEvent) => Promise<SQSBatchResponse>;
export type RelayHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;

/**
 * Each call gets its own Lambda Context, whose getRemainingTimeInMillis() counts down from the function
 * timeout the event source enforces (invocation.ts ends the invocation then).
 */
export interface LocalHandlers {
  ingest: (event: SQSEvent, timeoutSeconds: number) => Promise<SQSBatchResponse>;
  relay: (event: DynamoDBStreamEvent, timeoutSeconds: number) => Promise<DynamoDBBatchResponse>;
  /** The environment variables that were set before the modules loaded. */
  env: Record<string, string>;
}

let loaded: { key: string; handlers: Promise<LocalHandlers> } | undefined;
let restoreDns: (() => void) | undefined;

/** The process.env entries loadHandlers sets (exported for the record and for tests). */
export function handlerEnvironment(env: LocalHandlerEnv): Record<string, string> {
  return {
    AUTOGRANT_CITY: env.city,
    TABLE_NAME: env.tableName,
    ...env.queueEnv,
    REJECTED_QUEUE_URL: env.rejectedQueueUrl,
    PAYOUTS_QUEUE_URL: env.payoutsQueueUrl,
    AWS_ENDPOINT_URL_DYNAMODB: env.dynamodbEndpoint,
    AWS_ENDPOINT_URL_SQS: handlerSqsEndpoint(env),
    // A user's AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true would send the handlers to real AWS.
    AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "false",
    AWS_REGION: env.region ?? LOCAL_REGION,
    AWS_DEFAULT_REGION: env.region ?? LOCAL_REGION,
    // Env credentials come first in the SDK's default chain; the engines accept any.
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    // EMF metrics would be printed to stdout for CloudWatch to pick up; locally there is no CloudWatch.
    POWERTOOLS_METRICS_DISABLED: "true",
    POWERTOOLS_LOG_LEVEL: env.logLevel ?? "ERROR",
    AWS_LAMBDA_MAX_CONCURRENCY: String(env.maxConcurrency ?? 64),
  };
}

/**
 * The SQS endpoint the handlers' clients should resolve to. An SQSClient without an explicit
 * endpoint (AWS_ENDPOINT_URL_SQS does not count) sends each call to its QueueUrl's host, with a
 * console warning per call when that differs from the resolved endpoint. fauxqs names its queues
 * http://sqs.<region>.localhost:<port>/…, so the endpoint is set to that origin (no warnings), and
 * *.localhost is made to resolve to 127.0.0.1 (see loadHandlers). Queue URLs on another origin
 * than one another fall back to sqsEndpoint.
 */
function handlerSqsEndpoint(env: LocalHandlerEnv): string {
  const origins = new Set([env.rejectedQueueUrl, env.payoutsQueueUrl].map((url) => new URL(url).origin));
  const [origin] = origins;
  return origins.size === 1 && origin ? origin : env.sqsEndpoint;
}

/**
 * Sets the environment and imports both handler modules once per process. Returns handlers that
 * take just the event: each call gets its own Lambda Context and InvokeStore context.
 */
export function loadHandlers(env: LocalHandlerEnv): Promise<LocalHandlers> {
  const variables = handlerEnvironment(env);
  const key = JSON.stringify(variables);
  if (loaded) {
    if (loaded.key !== key) {
      throw new Error(
        "loadHandlers: the handler modules are already loaded in this process with another environment " +
          "(they read it once, at module load); use one environment per process",
      );
    }
    return loaded.handlers;
  }
  const handlers = load(env, variables);
  loaded = { key, handlers };
  handlers.catch(() => {
    if (loaded?.handlers === handlers) loaded = undefined;
  });
  return handlers;
}

async function load(env: LocalHandlerEnv, variables: Record<string, string>): Promise<LocalHandlers> {
  // POWERTOOLS_DEV would pretty-print every log line and switch metrics by its own rule; keep it out.
  delete process.env.POWERTOOLS_DEV;
  // A deployment-style inlined city config would win over AUTOGRANT_CITY in functions/lib/city.ts.
  delete process.env.AUTOGRANT_CITY_CONFIG;
  Object.assign(process.env, variables);
  // Not every resolver maps *.localhost to loopback (RFC 6761 says it should; glibc without
  // systemd-resolved does not): fauxqs's own helper patches dns.lookup for those names only.
  if (new URL(variables.AWS_ENDPOINT_URL_SQS ?? "http://x").hostname.endsWith(".localhost") && !restoreDns) {
    restoreDns = (await loadFauxqs()).interceptLocalhostDns("localhost");
  }

  // Installed before the modules load; Powertools looks it up on globalThis.awslambda.InvokeStore.
  const store = installInvokeStore();
  endCallsAtTimeout(store);
  // Module initialisation runs in a context of its own too: Powertools' BatchProcessor constructor
  // already writes per-invocation state, which needs one. Each invocation then starts from a fresh
  // context (BatchProcessor.prepare() resets its state there).
  const [ingestModule, relayModule] = await store.run({}, () =>
    Promise.all([import("../functions/ingest/handler"), import("../functions/relay/handler")]),
  );
  const city = env.city;
  return {
    ingest: invoker(store, `autogrant-${city}-ingest`, (event: SQSEvent, context) =>
      ingestModule.handler(event, context),
    ),
    relay: invoker(store, `autogrant-${city}-relay`, (event: DynamoDBStreamEvent, context) =>
      relayModule.handler(event, context),
    ),
    env: variables,
  };
}

type InvokeContext = Record<string | symbol, unknown>;

/** Per-invocation state over AsyncLocalStorage: what the Lambda runtime's multi-concurrency InvokeStore does. */
class LocalInvokeStore extends InvokeStoreBase {
  readonly #als = new AsyncLocalStorage<InvokeContext>();
  getContext(): InvokeContext | undefined {
    return this.#als.getStore();
  }
  hasContext(): boolean {
    return this.#als.getStore() !== undefined;
  }
  get<T = unknown>(key: string | symbol): T | undefined {
    return this.#als.getStore()?.[key] as T | undefined;
  }
  set<T = unknown>(key: string | symbol, value: T): void {
    if (this.isProtectedKey(key))
      throw new Error(`Cannot modify protected Lambda context field: ${String(key)}`);
    const context = this.#als.getStore();
    if (!context) throw new Error("No context available");
    context[key] = value;
  }
  run<T>(context: InvokeContext, fn: () => T): T {
    return this.#als.run(context, fn);
  }
}

/**
 * Puts an AsyncLocalStorage-backed store on globalThis.awslambda.InvokeStore, replacing whatever
 * is there. Not InvokeStore.getInstanceAsync(true): the AWS SDK's recursion-detection middleware
 * calls getInstanceAsync() on its first request, which outside Lambda installs a single-context
 * store, and getInstanceAsync then hands that one back; with it every concurrent invocation
 * would share one BatchProcessor state. (The SDK keeps its own reference; it only reads trace ids.)
 */
function installInvokeStore(): InvokeStoreBase {
  const installed = globalThis.awslambda?.InvokeStore;
  if (installed instanceof LocalInvokeStore) return installed;
  const store = new LocalInvokeStore();
  globalThis.awslambda = globalThis.awslambda ?? {};
  globalThis.awslambda.InvokeStore = store;
  return store;
}

function invoker<E, R>(
  store: InvokeStoreBase,
  functionName: string,
  handler: (event: E, context: Context) => Promise<R>,
): (event: E, timeoutSeconds: number) => Promise<R> {
  return (event: E, timeoutSeconds: number) => {
    const requestId = randomUUID();
    const deadlineMs = Date.now() + timeoutSeconds * 1_000;
    const context = lambdaContext(functionName, requestId, deadlineMs);
    return store.run({ [InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID]: requestId, [DEADLINE]: deadlineMs }, () =>
      handler(event, context),
    );
  };
}

const DEADLINE = Symbol("autogrant.local.deadline");
let callsEnd = false;

/**
 * Lambda stops an invocation at its timeout; here the abandoned call keeps running in-process, and left
 * alone it keeps calling DynamoDB and SQS — retrying conflicts against the invocations that replaced it,
 * so on a loaded machine every timeout makes the next one likelier (issue 8's cascade). So every AWS SDK
 * client's send (all share the Smithy Client prototype) refuses to start a call for an invocation past its
 * deadline. A call already under way finishes, as one that reached the engine just before the kill would.
 */
function endCallsAtTimeout(store: InvokeStoreBase): void {
  if (callsEnd) return;
  callsEnd = true;
  const smithyClient = Object.getPrototypeOf(DynamoDBClient.prototype) as {
    send: (this: unknown, ...args: unknown[]) => unknown;
  };
  const send = smithyClient.send;
  smithyClient.send = function (this: unknown, ...args: unknown[]) {
    const deadlineMs = store.get<number>(DEADLINE);
    if (deadlineMs !== undefined && Date.now() >= deadlineMs) {
      return Promise.reject(new InvocationEndedError("the invocation passed its timeout: no more AWS calls"));
    }
    return send.apply(this, args);
  };
}

/** A minimal Lambda Context: what Powertools' injectLambdaContext and BatchProcessor read. */
export function lambdaContext(functionName: string, awsRequestId: string, deadlineMs: number): Context {
  const unsupported = (): never => {
    throw new Error("context.done/fail/succeed are not supported locally: return or throw instead");
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION ?? LOCAL_REGION}:000000000000:function:${functionName}`,
    memoryLimitInMB: "1024",
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/[$LATEST]${awsRequestId.replaceAll("-", "")}`,
    getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}
