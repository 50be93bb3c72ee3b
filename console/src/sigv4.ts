/**
 * SigV4 for the workbench API (service `execute-api`, workbench.md § Access), one definition for both ends:
 * the console signs every call with its session's temporary credentials, and the local adapter recomputes
 * the signature as API Gateway does before any handler runs. @smithy/signature-v4 over WebCrypto's SHA-256,
 * which browsers and Node 22 both have, so nothing here needs Node or the DOM.
 */
import { SignatureV4 } from "@smithy/signature-v4";

export const SERVICE = "execute-api";

export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** ISO 8601: after it the session's calls are refused. */
  expiration: string;
}

type Bytes = Uint8Array<ArrayBuffer>;
const bytesOf = (data: string | ArrayBuffer | ArrayBufferView): Bytes =>
  typeof data === "string"
    ? new TextEncoder().encode(data)
    : data instanceof ArrayBuffer
      ? new Uint8Array(data.slice(0))
      : new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer);

/** SHA-256, or HMAC-SHA256 when constructed with a key: the checksum the signer asks for. */
export class WebCryptoSha256 {
  private chunks: Bytes[] = [];
  private readonly key: Bytes | undefined;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.key = secret === undefined ? undefined : bytesOf(secret);
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.chunks.push(bytesOf(data));
  }
  async digest(): Promise<Uint8Array> {
    const all = new Uint8Array(this.chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const chunk of this.chunks) {
      all.set(chunk, at);
      at += chunk.length;
    }
    if (!this.key) return new Uint8Array(await crypto.subtle.digest("SHA-256", all));
    const hmac = { name: "HMAC", hash: "SHA-256" };
    const key = await crypto.subtle.importKey("raw", this.key, hmac, false, ["sign"]);
    return new Uint8Array(await crypto.subtle.sign("HMAC", key, all));
  }
  reset(): void {
    this.chunks = [];
  }
}

export interface Signable {
  method: string;
  url: URL;
  /** Lower-case names; `host` is taken from the URL. */
  headers: Record<string, string>;
  body?: string | Uint8Array | undefined;
}

/** The request's headers with `authorization`, `x-amz-date` and `x-amz-security-token` added. */
export async function signRequest(
  request: Signable,
  credentials: TemporaryCredentials,
  region: string,
  signingDate: Date = new Date(),
): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    service: SERVICE,
    region,
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
    },
    sha256: WebCryptoSha256,
    uriEscapePath: true,
    // The payload's hash is part of the canonical request, not a header a tampered body could carry along.
    applyChecksum: false,
  });
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of request.url.searchParams) {
    const had = query[name];
    query[name] = had === undefined ? value : [...(Array.isArray(had) ? had : [had]), value];
  }
  const { url } = request;
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query,
      headers: { ...request.headers, host: url.host },
      body: request.body,
    },
    { signingDate },
  );
  return signed.headers;
}
