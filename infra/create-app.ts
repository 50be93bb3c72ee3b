import { readFileSync } from "node:fs";
import { join } from "node:path";
import { App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { CITIES_DIR, cityIds, readCity } from "../shared/policy/files";
import { CityStack } from "./city-stack";

/**
 * One stack per city file, `Autogrant-<city>`; context `city=<id>` (or `cities`) narrows it to some.
 * cdk-nag's AwsSolutions pack runs at synthesis: any finding not acknowledged in code stops it.
 * `nag: false` leaves it out where only the template is read (the local stack): it checks the template,
 * never changes it, and costs about a second a synthesis.
 */
export function createApp(
  app: App = new App(),
  options: { cities?: readonly string[]; dir?: string; nag?: boolean } = {},
): App {
  const dir = options.dir ?? CITIES_DIR;
  const only = app.node.tryGetContext("city") as string | undefined;
  for (const city of options.cities ?? (only ? [only] : cityIds(dir))) {
    const { city: declared } = readCity(city, dir); // unknown or invalid: fails naming the file and the field
    const file = join(dir, `${city}.json`);
    if (declared !== city)
      throw new Error(`${file}: "city" is ${declared}, but the file is named for ${city}`);
    new CityStack(app, `Autogrant-${city}`, {
      cityFile: JSON.parse(readFileSync(file, "utf8")),
      source: file,
    });
  }
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app;
}
