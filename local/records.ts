/**
 * The records Lambda hands to a function, made from what the local engines return: an SQS message as an
 * SQSRecord, a DynamoDB Streams API record as a DynamoDBRecord (epoch seconds, binary as base64).
 */
import { createHash } from "node:crypto";
import type {
  AttributeValue as StreamsAttributeValue,
  _Record as StreamsRecord,
} from "@aws-sdk/client-dynamodb-streams";
import type { Message } from "@aws-sdk/client-sqs";
import type {
  DynamoDBRecord,
  AttributeValue as LambdaAttributeValue,
  SQSMessageAttributes,
  SQSRecord,
} from "aws-lambda";
import type { CityPolicy } from "../shared/policy/city";
import { channelQueueNames, ownerOf } from "../shared/policy/publishers";

/** A received SQS message in the shape Lambda hands to a function. */
export function lambdaSqsRecord(message: Message, queueArn: string, region: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  const body = message.Body ?? "";
  const record: SQSRecord = {
    messageId: message.MessageId ?? "",
    receiptHandle: message.ReceiptHandle ?? "",
    body,
    attributes: {
      ...attributes,
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? "1",
      SentTimestamp: attributes.SentTimestamp ?? "",
      SenderId: attributes.SenderId ?? "",
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? "",
    },
    messageAttributes: messageAttributes(message),
    md5OfBody: message.MD5OfBody ?? createHash("md5").update(body).digest("hex"),
    eventSource: "aws:sqs",
    eventSourceARN: queueArn,
    awsRegion: region,
  };
  if (message.MD5OfMessageAttributes) record.md5OfMessageAttributes = message.MD5OfMessageAttributes;
  return record;
}

/** SQS message attributes in Lambda's event shape (camelCase, binary as base64, list fields present). */
function messageAttributes(message: Message): SQSMessageAttributes {
  const out: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    out[name] = {
      dataType: value.DataType ?? "String",
      stringListValues: value.StringListValues ?? [],
      binaryListValues: (value.BinaryListValues ?? []).map((b) => Buffer.from(b).toString("base64")),
      ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
      ...(value.BinaryValue === undefined
        ? {}
        : { binaryValue: Buffer.from(value.BinaryValue).toString("base64") }),
    };
  }
  return out;
}

/** A DynamoDB Streams API record in the shape Lambda hands to a function. */
export function lambdaStreamRecord(record: StreamsRecord, streamArn: string): DynamoDBRecord {
  const source = record.dynamodb ?? {};
  const dynamodb: NonNullable<DynamoDBRecord["dynamodb"]> = {};
  if (source.ApproximateCreationDateTime !== undefined) {
    // The API (and the SDK) give a timestamp; Lambda events carry epoch seconds.
    dynamodb.ApproximateCreationDateTime = Math.floor(
      new Date(source.ApproximateCreationDateTime).getTime() / 1000,
    );
  }
  if (source.Keys) dynamodb.Keys = lambdaImage(source.Keys);
  if (source.NewImage) dynamodb.NewImage = lambdaImage(source.NewImage);
  if (source.OldImage) dynamodb.OldImage = lambdaImage(source.OldImage);
  if (source.SequenceNumber !== undefined) dynamodb.SequenceNumber = source.SequenceNumber;
  if (source.SizeBytes !== undefined) dynamodb.SizeBytes = source.SizeBytes;
  if (source.StreamViewType !== undefined) dynamodb.StreamViewType = source.StreamViewType;
  const out: DynamoDBRecord = {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: record.eventSource ?? "aws:dynamodb",
    awsRegion: record.awsRegion,
    dynamodb,
    eventSourceARN: streamArn,
  };
  if (record.userIdentity) out.userIdentity = record.userIdentity;
  return out;
}

function lambdaImage(image: Record<string, StreamsAttributeValue>): Record<string, LambdaAttributeValue> {
  const out: Record<string, LambdaAttributeValue> = {};
  for (const [name, value] of Object.entries(image)) out[name] = lambdaAttribute(value);
  return out;
}

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64");

/** SDK attribute values (binary as Uint8Array) to Lambda's JSON form (binary as base64). */
function lambdaAttribute(value: StreamsAttributeValue): LambdaAttributeValue {
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  if (value.L !== undefined) return { L: value.L.map(lambdaAttribute) };
  if (value.M !== undefined) return { M: lambdaImage(value.M) };
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.SS !== undefined) return { SS: value.SS };
  if (value.NS !== undefined) return { NS: value.NS };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  // DynamoDB Local's stream writes an empty map as {} (no "M" tag); DynamoDB sends {"M": {}}.
  if (Object.keys(value).length === 0) return { M: {} };
  throw new Error(`unknown DynamoDB attribute value: ${JSON.stringify(value)}`);
}

/**
 * The eventSourceARN Lambda would give a body sent by the publisher that owns its `source` (the first
 * publisher's for a body no publisher would send): for tests and the bench, which build records by hand.
 */
export function channelArnFor(city: CityPolicy, body: string, region = "us-east-1"): string {
  const publisher = ownerOf(city, body).publisher ?? city.publishers[0];
  if (!publisher) throw new Error(`${city.city} names no publisher`);
  return `arn:aws:sqs:${region}:000000000000:${channelQueueNames(city.city, publisher.id).ingest}`;
}
