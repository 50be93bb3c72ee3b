/**
 * The local development control that moves the ledger a day on (never a staff action; absent deployed):
 * it sends the next `clock.day` on the clock channel's ingest queue exactly as the stack's EventBridge
 * schedule does (infra/clock.ts `clockFact`, the source the city file names for the clock publisher),
 * then waits until the stack has decided it and reads the ledger's date back.
 */
import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { clockFact } from "../infra/clock";
import { keys } from "../shared/decisions/keys";
import { keyAttributes, untagJson } from "../shared/ledger/codec";
import { ClockControlError } from "./errors";
import type { LocalStack } from "./stack";

/** The ledger's date (`today`), or null before its first clock fact. */
export async function ledgerToday(stack: LocalStack): Promise<string | null> {
  const { Item } = await stack.dynamodb.send(
    new GetItemCommand({
      TableName: stack.resources.tableName,
      Key: keyAttributes(keys.clock()),
      ConsistentRead: true,
    }),
  );
  const body = Item?.body?.S;
  return body ? ((untagJson(body) as { today?: string }).today ?? null) : null;
}

/** The day after an ISO date, on the calendar (UTC arithmetic on a date has no time zone to go wrong in). */
export function nextDay(date: string): string {
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + 1);
  return day.toISOString().slice(0, 10);
}

/** Publishes the next day's clock fact through the clock channel; resolves with the ledger's new date. */
export async function advanceClock(stack: LocalStack): Promise<string> {
  const city = stack.options.city;
  const publisher = city.publishers.find((p) => p.channel === "clock");
  const channel = stack.resources.channels.find((c) => c.publisherId === publisher?.id);
  if (!publisher || !channel) throw new ClockControlError(`${city.city} has no clock channel`);
  const today = await ledgerToday(stack);
  if (!today) throw new ClockControlError("the ledger has no date yet: the stream sent no clock fact");
  const next = nextDay(today);
  // 00:05 China time, as the schedule fires: the contract takes the China date from the instant.
  const fact = clockFact(city.city, publisher.source, `${next}T00:05:00+08:00`);
  await stack.sqs.send(
    new SendMessageCommand({ QueueUrl: channel.ingestQueueUrl, MessageBody: JSON.stringify(fact) }),
  );
  await stack.quiet();
  const moved = await ledgerToday(stack);
  if (moved !== next)
    throw new ClockControlError(`the clock fact for ${next} was not applied (ledger at ${moved})`);
  return next;
}
