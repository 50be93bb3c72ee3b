import type { CityPolicy } from "../../shared/policy/city";
import { parseCityConfig } from "../../shared/policy/city";
import { readCity } from "../../shared/policy/files";

/**
 * The city this function serves. In Lambda the city file is inlined at build time (esbuild `define`
 * of AUTOGRANT_CITY_CONFIG), so the bundle carries its own validated policy; locally it is read from
 * `cities/<AUTOGRANT_CITY>.json`.
 */
export function loadCity(): CityPolicy {
  const inlined = process.env.AUTOGRANT_CITY_CONFIG;
  if (inlined) return parseCityConfig(JSON.parse(inlined), "AUTOGRANT_CITY_CONFIG");
  const city = process.env.AUTOGRANT_CITY;
  if (!city) throw new Error("AUTOGRANT_CITY is not set: which city does this function serve?");
  return readCity(city);
}
