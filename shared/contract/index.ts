/** The inbound event contract (shared/contract/events.md): types, parsing, hashing and JSON Schema. */
export { canonicalJson } from "./canonical";
export { FACT_TYPES, type FactType, isFactType } from "./fact-types";
export { type CityDistricts, cityJsonSchemaFiles, dataJsonSchema, envelopeJsonSchema } from "./json-schema";
export type { AnyMessage, ContractContext, FactDate, Message, ParseResult } from "./message";
export { factDateOf, parseMessage } from "./parse";
export { REJECTION_PRECEDENCE, type Rejection, type RejectionReason } from "./rejection";
export { type DataOf, type DataSchemas, dataSchemas, FACT_DATE_FIELDS, type WireDataOf } from "./types";
