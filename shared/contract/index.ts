/** The inbound event contract (shared/contract/events.md): types, parsing, hashing and JSON Schema. */
export {
  authorityProblem,
  CHANNELS,
  type Channel,
  type Delivery,
  futureTimeProblem,
  type Publisher,
  TIME_SKEW_SECONDS,
} from "./authority";
export { canonicalJson } from "./canonical";
export {
  ENTITLEMENT_TYPES,
  type EntitlementType,
  FACT_TYPES,
  type FactType,
  isFactType,
  isLifecycleType,
  LIFECYCLE_TYPES,
  type LifecycleType,
} from "./fact-types";
export { type CityDistricts, cityJsonSchemaFiles, dataJsonSchema, envelopeJsonSchema } from "./json-schema";
export {
  type BatchRef,
  buildLifecycleSchemas,
  type LineRefId,
  lineIdOf,
  NOT_YET_OPENED_ON,
  parseBatchId,
  parseInstructionId,
  parseLineId,
  STAFF_ROLES,
} from "./lifecycle";
export type { AnyMessage, ContractContext, FactDate, Message, ParseResult } from "./message";
export { factDateOf, parseMessage } from "./parse";
export {
  ECHO_LIMITS,
  REJECTION_PRECEDENCE,
  type Rejection,
  type RejectionReason,
  rejectionOf,
} from "./rejection";
export { SQS_MAX_MESSAGE_BYTES, sqsJson, sqsRefusal } from "./sqs";
export { type DataOf, type DataSchemas, dataSchemas, FACT_DATE_FIELDS, type WireDataOf } from "./types";
