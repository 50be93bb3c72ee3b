import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type CityPolicy, parseCityConfig } from "./city";
import { CityConfigError } from "./errors";

/** Where city files live: one `<city>.json` per city; adding a city is adding a file here. */
export const CITIES_DIR = new URL("../../cities/", import.meta.url).pathname;

export function cityIds(dir: string = CITIES_DIR): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(".json"))
    .map((name) => name.slice(0, -".json".length))
    .sort();
}

/** Reads and validates `cities/<city>.json`. */
export function readCity(city: string, dir: string = CITIES_DIR): CityPolicy {
  return readCityFile(join(dir, `${city}.json`), () => `cities: ${cityIds(dir).join(", ")}`);
}

/** Reads and validates a city file anywhere: a reform to compare with `cities/<city>.json` is one. */
export function readCityFile(file: string, hint?: () => string): CityPolicy {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (cause) {
    throw new CityConfigError(file, [`cannot read the city file${hint ? ` (${hint()})` : ""}`], { cause });
  }
  return parseCityConfig(raw, file);
}
