import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { StaffChannel } from "./app";
import { FactNotPublishedError } from "./errors";

/**
 * The workbench's ingest queue (`autogrant-<city>-ingest-workbench`): a standard queue like every ingest
 * queue — the ledger deduplicates by the fact's receipt `(source, id)`, so no FIFO ids are needed.
 */
export function sqsStaffChannel(sqs: SQSClient, queueUrl: string): StaffChannel {
  return {
    async send(body) {
      try {
        await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
      } catch (error) {
        throw new FactNotPublishedError(`the staff fact was not sent: ${(error as Error)?.name ?? error}`, {
          cause: error,
        });
      }
    },
  };
}
