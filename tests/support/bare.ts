/**
 * Bare queues and tables, for the tests that probe the engines themselves (tests/engines/) and the SQS
 * event source (tests/local/sqs-source.test.ts) with attributes no queue of the stack has: a 1 s
 * visibility timeout, a receive limit of 2, a table indexed by USCC. They test the emulator and the
 * runtime, not the product, whose table and queues only ever come from its template
 * (local/provision.ts); tests/architecture.test.ts lets nothing else create one.
 */
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from "@aws-sdk/client-dynamodb";
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { uniqueName } from "./engines";

/** A queue named `<prefix>-<unique>` with these attributes; its URL and ARN. */
export async function bareQueue(sqs: SQSClient, prefix: string, attributes: Record<string, string> = {}) {
  const { QueueUrl: url } = await sqs.send(
    new CreateQueueCommand({ QueueName: uniqueName(prefix), Attributes: attributes }),
  );
  if (!url) throw new Error("CreateQueue returned no QueueUrl");
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }),
  );
  const arn = Attributes?.QueueArn;
  if (!arn) throw new Error("GetQueueAttributes returned no QueueArn");
  return { url, arn };
}

export async function bareTable(ddb: DynamoDBClient, input: CreateTableCommandInput): Promise<void> {
  await ddb.send(new CreateTableCommand(input));
}
