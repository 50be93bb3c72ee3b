/**
 * Writes the inbound contract's JSON Schemas: for every `cities/<city>.json`, one
 * `schemas/<city>/<type>.schema.json` per fact type (the wire shape registries code against), and removes
 * schema files no city or type produces any more. tests/contract/schemas.test.ts checks the files match.
 */
import { mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { z } from "zod";
import { cityJsonSchemaFiles } from "../shared/contract";
import { commandArgs, parseFlags } from "./lib/cli";

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

const cityFile = z.looseObject({
  city: z.string().regex(/^[a-z0-9-]+$/),
  districts: z.array(z.looseObject({ id: z.string() })),
});

function jsonFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir, { recursive: true, encoding: "utf8" });
  } catch {
    return [];
  }
  return entries.filter((entry) => entry.endsWith(".json")).sort();
}

/** The schema files the city files call for: path under `schemas/` → text. */
export function expectedSchemaFiles(root = REPO_ROOT): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of jsonFiles(join(root, "cities"))) {
    const city = cityFile.parse(JSON.parse(readFileSync(join(root, "cities", name), "utf8")));
    for (const [path, text] of cityJsonSchemaFiles(city)) files.set(path, text);
  }
  return files;
}

/** The schema files on disk: path under `schemas/` → text. */
export function existingSchemaFiles(root = REPO_ROOT): Map<string, string> {
  const dir = join(root, "schemas");
  return new Map(
    jsonFiles(dir).map((path) => [path.split("\\").join("/"), readFileSync(join(dir, path), "utf8")]),
  );
}

function main(): void {
  commandArgs("export-schemas", "npm run schemas", (argv) => parseFlags(argv, {}));
  const dir = join(REPO_ROOT, "schemas");
  const expected = expectedSchemaFiles();
  mkdirSync(dir, { recursive: true });
  for (const path of existingSchemaFiles().keys()) {
    if (!expected.has(path)) {
      rmSync(join(dir, path));
      console.log(`removed ${relative(REPO_ROOT, join(dir, path))}`);
    }
  }
  // A city whose file is gone leaves no empty folder behind.
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && readdirSync(join(dir, entry.name)).length === 0)
      rmdirSync(join(dir, entry.name));
  }
  for (const [path, text] of expected) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  console.log(`wrote ${expected.size} schema files under schemas/`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) main();
