/**
 * What Lambda does around every invocation, whatever the event source: a function timeout that ends the
 * invocation, the ReportBatchItemFailures response read as Lambda reads it, and the quiet state a source
 * reports so that drain.ts can tell when a run has settled. The sources: sqs-source.ts, stream-source.ts.
 */
import { InvocationTimeoutError } from "./errors";

/**
 * What a source reports so a caller can tell when everything has settled (see drain.ts).
 * Times are performance.now() milliseconds.
 */
export interface QuietState {
  /** An invocation is running, or records were read and not yet handed to one. */
  busy: boolean;
  /** Last time records were received or an invocation ended; -Infinity if never. */
  lastActivityAt: number;
  /**
   * The earliest, over every poller (SQS) or open shard (stream), of the start time of its latest
   * poll if that poll came back empty; -Infinity while any poller's latest poll returned records or
   * it has not polled yet. An empty poll started after some time T proves nothing was waiting at T.
   */
  emptyPollsSince: number;
}

export interface EventSource {
  readonly name: string;
  start(): Promise<void>;
  /** Graceful: no new polls; resolves when in-flight polls and invocations have finished. */
  stop(): Promise<void>;
  quietState(): QuietState;
}

type BatchResponse = { batchItemFailures?: Array<{ itemIdentifier?: string | null } | null> | null };

/**
 * The failed item identifiers of a ReportBatchItemFailures response, or "all" when Lambda would
 * treat the response as a complete failure: an itemIdentifier that is empty, missing or not in the
 * batch. No response, no batchItemFailures or an empty list is a complete success.
 */
export function failedItems(response: unknown, identifiers: ReadonlySet<string>): Set<string> | "all" {
  if (response === undefined || response === null) return new Set();
  if (typeof response !== "object") return "all";
  const list = (response as BatchResponse).batchItemFailures;
  if (list === undefined || list === null) return new Set();
  if (!Array.isArray(list)) return "all";
  const failed = new Set<string>();
  for (const item of list) {
    const id = item?.itemIdentifier;
    if (typeof id !== "string" || id === "" || !identifiers.has(id)) return "all";
    failed.add(id);
  }
  return failed;
}

/** A sleep that stop() can cut short. */
export class Waker {
  #wake = new Set<() => void>();
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#wake.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake.add(done);
    });
  }
  wakeAll(): void {
    for (const wake of [...this.#wake]) wake();
  }
}

/** Calls a caller's callback; its throw must not kill a poller (it is kept as lastError instead). */
export function notify(callback: () => void, onError: (error: unknown) => void): void {
  try {
    callback();
  } catch (error) {
    onError(error);
  }
}

/**
 * The handler's result, or an InvocationTimeoutError once `timeoutSeconds` have passed, as Lambda ends an
 * invocation at its timeout. The abandoned call cannot be frozen in-process as Lambda freezes it: whatever
 * it still does is like a request that reached the engine just before the kill, which idempotency covers.
 */
export async function withinTimeout<T>(call: () => Promise<T>, timeoutSeconds: number, what: string) {
  let timer: NodeJS.Timeout | undefined;
  const running = call();
  running.catch(() => {}); // an abandoned invocation's late failure is no one's to handle
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new InvocationTimeoutError(`${what}: still running after its ${timeoutSeconds} s timeout`)),
      timeoutSeconds * 1_000,
    );
  });
  try {
    return await Promise.race([running, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

export function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** What every source counts about its invocations. */
export interface InvocationCounters {
  /** Invocations that threw or timed out. */
  invocationErrors: number;
  /** Of those, invocations stopped at the function timeout. */
  timeouts: number;
}

export type InvocationResult = { ok: true; response: unknown } | { ok: false; error: unknown };

/** What a source knows of the function it invokes (both sources' options have these). */
export interface InvokedFunction<E> {
  handler: (event: E) => Promise<unknown>;
  timeoutSeconds: number;
  onInvocationError?: ((error: unknown, event: E) => void) | undefined;
}

/**
 * One invocation as Lambda runs it: the handler within its timeout; a throw or a timeout is counted,
 * kept as the source's last error and passed to onInvocationError (whose own throw is kept too, never
 * let out into a poller).
 */
export async function invoke<E>(
  fn: InvokedFunction<E>,
  event: E,
  source: string,
  counters: InvocationCounters,
  keepError: (error: unknown) => void,
): Promise<InvocationResult> {
  try {
    return {
      ok: true,
      response: await withinTimeout(() => fn.handler(event), fn.timeoutSeconds, `${source} invocation`),
    };
  } catch (error) {
    counters.invocationErrors++;
    if (error instanceof InvocationTimeoutError) counters.timeouts++;
    keepError(error);
    notify(() => fn.onInvocationError?.(error, event), keepError);
    return { ok: false, error };
  }
}

/**
 * The ingest function's concurrency, shared by all its event sources (one per publisher's channel), as a
 * function's reserved concurrency caps all its mappings together: at most `size` invocations run at once.
 * A freed slot goes to the longest waiter only, so a release wakes one poller, not all of them.
 */
export class ConcurrencyLimit {
  #free: number;
  readonly #waiters: (() => void)[] = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1)
      throw new Error(`ConcurrencyLimit: size must be ≥ 1, got ${size}`);
    this.#free = size;
  }

  /** Takes a slot (waiting its turn for one); the returned function gives it back, once. */
  async acquire(): Promise<() => void> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((resolve) => this.#waiters.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiters.shift();
      if (next) next();
      else this.#free++;
    };
  }
}
