/**
 * Messages as the ingest would judge them when their registry sent them: sent by the publisher that owns
 * their `source` (events.md § Publishers), accepted by SQS at RECEIVED_AT.
 */
import { type ContractContext, type FactType, type ParseResult, parseMessage } from "../../shared/contract";
import { readCity } from "../../shared/policy/files";
import { replayDelivery } from "../../shared/policy/publishers";

/** After every fixture's `time`; a test of future-time names its own. */
export const RECEIVED_AT = "2026-12-01T00:00:00Z";

const JINAN = readCity("jinan");

/** Parsed as sent by the owner of its source in `city` (default Jinan), with the city's context. */
export function parseAsSent(
  text: string,
  context: ContractContext = { city: JINAN.city, districtIds: JINAN.districtIds },
  receivedAt = RECEIVED_AT,
): ParseResult {
  return parseMessage(text, context, replayDelivery(JINAN, receivedAt));
}

/**
 * The body under the source of its type's publisher in Jinan (the contract fixtures write every type
 * under the high-tech registry's): what that registry would send. Other bodies are returned unchanged.
 */
export function underOwnSource(body: string): string {
  let message: unknown;
  try {
    message = JSON.parse(body);
  } catch {
    return body;
  }
  if (typeof message !== "object" || message === null || !("type" in message)) return body;
  const owner = JINAN.publishers.find((p) => p.types.has(message.type as FactType));
  return owner ? JSON.stringify({ ...message, source: owner.source }) : body;
}
