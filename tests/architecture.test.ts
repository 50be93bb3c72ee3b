import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, test } from "vitest";

const root = join(import.meta.dirname, "..");

function sources(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(root, path)).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : [];
  });
}

/** Every module a file imports, statically or with import(), resolved to a repository path when relative. */
function imports(file: string): string[] {
  const text = readFileSync(join(root, file), "utf8");
  const named = [
    ...[...text.matchAll(/^import[^;]*?from\s+"([^"]+)"/gms)].map((m) => m[1] ?? ""),
    ...[...text.matchAll(/\bimport\("([^"]+)"\)/g)].map((m) => m[1] ?? ""),
  ];
  return named.map((name) => (name.startsWith(".") ? relative(root, join(root, file, "..", name)) : name));
}

const read = (file: string) => readFileSync(join(root, file), "utf8");

/**
 * The areas around the decision core, and what each may import besides node and npm packages. The core and
 * the deployed code never reach into the tools built around them.
 */
const AREAS: Record<string, readonly string[]> = {
  shared: ["shared"],
  functions: ["shared", "functions"],
  // The stack deploys the console's build (infra/console.ts), so it runs the console's build script.
  infra: ["shared", "infra", "console"],
  // The local cloud: the handler modules it runs, and the CDK app it synthesises the template from.
  local: ["shared", "functions", "infra", "local", "console"],
  sample: ["shared", "sample"],
  // The replay figure replays a province-sized stream made with the sample generator.
  bench: ["shared", "functions", "infra", "local", "sample", "bench", "scripts/lib"],
  // The renderings of results for people (the compare report): they read the core's results, nothing else.
  reports: ["shared", "reports"],
  scripts: ["shared", "local", "sample", "reports", "scripts"],
  // The browser console: it talks to the workbench API over HTTP and imports nothing of the product; its
  // SigV4 signer (console/src/sigv4.ts) is the one the local adapter verifies with.
  console: ["console"],
};

/**
 * The only files that send CreateTable or CreateQueue. The product's table and queues are made from the
 * city's synthesised template, by one loader, so there is one definition of each: the CDK stack's.
 */
const CREATES_TABLES_OR_QUEUES = [
  "local/provision.ts",
  // The baseline's Powertools idempotency table: the product has no such table.
  "bench/baseline.ts",
  // Bare queues and a table for the tests that probe the engines and the SQS event source themselves.
  "tests/support/bare.ts",
];

/** The layers, in order: each may import only the layers before it (no arrow pointing back). */
const LAYERS = [
  "shared/contract",
  "shared/policy",
  "shared/decisions",
  "shared/simulate",
  "shared/ledger",
  "functions",
];
const PURE = ["shared/contract", "shared/policy", "shared/decisions", "shared/simulate"];

describe("architecture", () => {
  test.each(PURE)("%s is pure: no AWS, no clock, no randomness", (layer) => {
    for (const file of sources(layer)) {
      const text = readFileSync(join(root, file), "utf8");
      expect(
        imports(file).filter((i) => i.startsWith("@aws-sdk") || i === "aws-lambda"),
        file,
      ).toEqual([]);
      expect(text.match(/Date\.now\(|new Date\(|Math\.random\(/g), file).toBeNull();
    }
  });

  test.each(LAYERS)("%s imports no later layer", (layer) => {
    const later = LAYERS.slice(LAYERS.indexOf(layer) + 1);
    for (const file of sources(layer)) {
      for (const target of imports(file)) {
        expect(
          later.some((l) => target.startsWith(l)),
          `${file} imports ${target}`,
        ).toBe(false);
      }
    }
  });

  test.each(Object.keys(AREAS))("%s imports only what it may", (area) => {
    const allowed = AREAS[area] ?? [];
    for (const file of sources(area)) {
      for (const target of imports(file)) {
        const inRepo = [...Object.keys(AREAS), "tests"].some((a) => target.startsWith(`${a}/`));
        if (!inRepo) continue;
        expect(
          allowed.some((a) => target.startsWith(`${a}/`)),
          `${file} imports ${target}`,
        ).toBe(true);
      }
    }
  });

  test("the record handlers take the ledger port: only the module-level handler.ts wires a concrete adapter", () => {
    const recordHandlers = sources("functions").filter((file) => !file.endsWith("/handler.ts"));
    expect(recordHandlers).toContain("functions/ingest/ingest.ts");
    expect(recordHandlers).toContain("functions/relay/relay.ts");
    for (const file of recordHandlers) {
      const concrete = imports(file).filter(
        (target) => target.startsWith("shared/ledger/dynamo-ledger") || target.startsWith("shared/simulate/"),
      );
      expect(concrete, file).toEqual([]);
    }
  });

  test("the product never scans the ledger: no ScanCommand in shared/ or functions/", () => {
    for (const file of [...sources("shared"), ...sources("functions")]) {
      expect(read(file).match(/\bScanCommand\b|\bpaginateScan\b/g), file).toBeNull();
    }
  });

  test("the workbench's routes reach AWS only through their ports: the SDK only in handler.ts and staff-channel.ts", () => {
    const routes = sources("functions/workbench");
    expect(routes).toContain("functions/workbench/routes/reads.ts");
    for (const file of routes) {
      if (file.endsWith("/handler.ts") || file.endsWith("/staff-channel.ts")) continue;
      expect(
        imports(file).filter((i) => i.startsWith("@aws-sdk")),
        file,
      ).toEqual([]);
    }
  });

  test("only the template loader creates tables or queues (and the two named exceptions)", () => {
    const creating = [
      "shared",
      "functions",
      "infra",
      "local",
      "sample",
      "bench",
      "reports",
      "scripts",
      "tests",
    ]
      .flatMap(sources)
      .filter((file) => file !== "tests/architecture.test.ts")
      .filter((file) => /\bCreate(Table|Queue)Command\b/.test(read(file)));
    expect(creating.sort()).toEqual([...CREATES_TABLES_OR_QUEUES].sort());
  });

  test("scripts/ holds command entry points and their lib/ only; every command reads its arguments in one place", () => {
    const folders = readdirSync(join(root, "scripts"), { withFileTypes: true }).filter((e) =>
      e.isDirectory(),
    );
    expect(folders.map((e) => e.name)).toEqual(["lib"]);
    const commands = [
      ...sources("scripts").filter((file) => !file.startsWith("scripts/lib/")),
      "bench/run.ts",
      "bench/measure-bundles.ts",
    ];
    for (const file of commands) expect(read(file), file).toMatch(/\bcommandArgs\(/);
    const parsing = ["shared", "functions", "infra", "local", "sample", "bench", "reports", "scripts"]
      .flatMap(sources)
      .filter((file) => /\bparseArgs\(|process\.argv(?!\[1\])/.test(read(file)));
    expect(parsing).toEqual(["scripts/lib/cli.ts"]);
  });

  test("money is never a float: no parseFloat, toFixed or Number() on amounts in the domain", () => {
    for (const file of LAYERS.flatMap(sources)) {
      const text = readFileSync(join(root, file), "utf8");
      expect(text.match(/parseFloat|toFixed\(/g), file).toBeNull();
    }
  });

  test("the tools format money with shared/money.ts, never as a float divided by 100", () => {
    for (const file of ["local", "sample", "bench", "reports", "scripts", "console"].flatMap(sources)) {
      expect(read(file).match(/Number\([^)]*fen\b|\/\s*100\b/gi), file).toBeNull();
    }
  });
});
