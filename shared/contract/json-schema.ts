import { z } from "zod";
import { DATA_CONTENT_TYPE } from "./envelope";
import { FACT_TYPES, type FactType } from "./fact-types";
import { TIME_PATTERN } from "./time";
import { dataSchemas } from "./types";
import { jsonHints } from "./values";

/** What the export needs of a city file (`cities/<city>.json`). */
export interface CityDistricts {
  city: string;
  districts: readonly { id: string }[];
}

const DRAFT = "https://json-schema.org/draft/2020-12/schema";

/** The wire (input) shape of a type's `data`: yuan strings, not fen. */
export function dataJsonSchema(type: FactType, districtIds: readonly string[]): Record<string, unknown> {
  const { $schema: _, ...schema } = z.toJSONSchema(dataSchemas(districtIds)[type], {
    io: "input",
    metadata: jsonHints,
    unrepresentable: "throw",
  });
  return schema;
}

/** JSON Schema regexes have no flags: spell a case-insensitive literal as character classes. */
function anyCase(literal: string): string {
  return [...literal]
    .map((ch) => (/[a-z]/i.test(ch) ? `[${ch.toUpperCase()}${ch.toLowerCase()}]` : ch))
    .join("");
}

/**
 * A whole message of `type` for `city`: the CloudEvents envelope around the data schema. Extension
 * attributes are allowed (and ignored), `data_base64` is not.
 */
export function envelopeJsonSchema(city: string, type: FactType, districtIds: readonly string[]) {
  return {
    $schema: DRAFT,
    title: `${type} (${city})`,
    description: `A ${type} fact for ${city}: one CloudEvents 1.0 structured-mode JSON message on the ingest queue.`,
    type: "object",
    properties: {
      specversion: { const: "1.0" },
      id: { type: "string", pattern: "^[!-~]{1,128}$" },
      source: {
        type: "string",
        minLength: 1,
        maxLength: 256,
        pattern: "^[^\\s\\u0000-\\u001f\\u007f-\\u009f\\ufffe\\uffff]+$",
      },
      type: { const: type },
      time: { type: "string", format: "date-time", pattern: TIME_PATTERN.source },
      city: { const: city },
      datacontenttype: {
        type: "string",
        pattern: DATA_CONTENT_TYPE.source.replace("application\\/json", anyCase("application/json")),
      },
      dataschema: { type: "string" },
      subject: { type: "string" },
      data: dataJsonSchema(type, districtIds),
    },
    required: ["specversion", "id", "source", "type", "time", "city", "data"],
    not: { required: ["data_base64"] },
  };
}

/** Every schema file of a city: `<city>/<type>.schema.json` → its text (2-space JSON, trailing newline). */
export function cityJsonSchemaFiles(city: CityDistricts): Map<string, string> {
  const districtIds = city.districts.map((d) => d.id);
  const files = new Map<string, string>();
  for (const type of FACT_TYPES) {
    const schema = envelopeJsonSchema(city.city, type, districtIds);
    files.set(`${city.city}/${type}.schema.json`, `${JSON.stringify(schema, null, 2)}\n`);
  }
  return files;
}
