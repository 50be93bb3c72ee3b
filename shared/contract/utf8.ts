const encoder = new TextEncoder();

/** The bytes `text` takes in UTF-8: what SQS's message limit and DynamoDB's item limit count. */
export function utf8Bytes(text: string): number {
  return encoder.encode(text).byteLength;
}
