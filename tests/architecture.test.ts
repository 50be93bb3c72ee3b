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

function imports(file: string): string[] {
  const text = readFileSync(join(root, file), "utf8");
  return [...text.matchAll(/^import[^;]*?from\s+"([^"]+)"/gms)].map((m) => m[1] ?? "");
}

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
      for (const target of imports(file).filter((i) => i.startsWith("."))) {
        const resolved = relative(root, join(root, file, "..", target));
        expect(
          later.some((l) => resolved.startsWith(l)),
          `${file} imports ${target}`,
        ).toBe(false);
      }
    }
  });

  test("money is never a float: no parseFloat, toFixed or Number() on amounts in the domain", () => {
    for (const file of LAYERS.flatMap(sources)) {
      const text = readFileSync(join(root, file), "utf8");
      expect(text.match(/parseFloat|toFixed\(/g), file).toBeNull();
    }
  });
});
