import type { Publisher } from "../../shared/contract";
import type { CityPolicy } from "../../shared/policy/city";
import { channelQueueNames } from "../../shared/policy/publishers";
import { SentTimestampError } from "./errors";

/** Who sent a record, and where that sender reads its rejections. */
export interface SenderChannel {
  publisher: Publisher;
  rejectedQueueUrl: string;
}

/**
 * The publisher whose queue a record came through. Lambda sets `eventSourceARN`; the sender cannot, and
 * only the publisher's principals may send to its queue (infra/partner-access.ts). A queue name may carry
 * a prefix (local stacks share engines), so the publisher's queue name is matched as the name's end.
 * Rejections go next to the city's rejected queue: `<REJECTED_QUEUE_URL>-<publisher id>`.
 */
export function senderChannels(
  city: CityPolicy,
  unattributedQueueUrl: string,
): (eventSourceArn: string) => SenderChannel | undefined {
  const byQueueName = city.publishers.map((publisher) => ({
    publisher,
    queueName: channelQueueNames(city.city, publisher.id).ingest,
  }));
  return (eventSourceArn) => {
    const name = eventSourceArn.split(":").at(-1) ?? "";
    const found = byQueueName.find((c) => name === c.queueName || name.endsWith(`-${c.queueName}`));
    return (
      found && {
        publisher: found.publisher,
        rejectedQueueUrl: `${unattributedQueueUrl}-${found.publisher.id}`,
      }
    );
  };
}

/** When SQS accepted the message (`SentTimestamp`, epoch milliseconds, the same on every redelivery). */
export function sentAt(attributes: { SentTimestamp?: string }): string {
  const millis = Number(attributes.SentTimestamp);
  if (!attributes.SentTimestamp || !Number.isSafeInteger(millis)) {
    throw new SentTimestampError(
      `record has no SentTimestamp (got ${JSON.stringify(attributes.SentTimestamp)})`,
    );
  }
  return new Date(millis).toISOString();
}
