/**
 * The local adapter's stand-in for API Gateway's IAM authorisation: an `/api` request must carry a SigV4
 * signature (service execute-api) by credentials the development login issued, recomputed here from the
 * stored secret over the request as received — method, path, query, the signed headers and the body. The
 * refusals are API Gateway's (403 with its messages), decided before the handler runs.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { SERVICE, signRequest, type TemporaryCredentials } from "../console/src/sigv4";

/** API Gateway refuses a signature dated more than five minutes from its clock. */
const SKEW_MS = 5 * 60_000;
const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([A-Z0-9]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;
const MISMATCH =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
const INVALID_TOKEN = "The security token included in the request is invalid.";

export type Verdict<S> = { ok: true; issued: S } | { ok: false; message: string };

export interface Issued {
  credentials: TemporaryCredentials;
}

export async function verifySignature<S extends Issued>(
  request: IncomingMessage,
  url: URL,
  body: Buffer,
  lookup: (accessKeyId: string) => S | undefined,
  region: string,
  now: Date = new Date(),
): Promise<Verdict<S>> {
  const header = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value.join(",") : value;
  };
  const authorization = header("authorization");
  if (!authorization) return { ok: false, message: "Forbidden" };
  const match = AUTHORIZATION.exec(authorization);
  if (!match) return { ok: false, message: "Authorization header is not a SigV4 signature" };
  const [, accessKeyId = "", day = "", scopeRegion, service, signedHeaders = "", signature = ""] = match;
  const issued = lookup(accessKeyId);
  if (!issued || header("x-amz-security-token") !== issued.credentials.sessionToken)
    return { ok: false, message: INVALID_TOKEN };
  if (Date.parse(issued.credentials.expiration) <= now.getTime())
    return { ok: false, message: "The security token included in the request is expired" };
  if (scopeRegion !== region || service !== SERVICE)
    return { ok: false, message: `Credential should be scoped to ${region}/${SERVICE}.` };
  const signedAt = amzDate(header("x-amz-date") ?? "");
  if (!signedAt?.toISOString().replaceAll("-", "").startsWith(day))
    return { ok: false, message: "Date in Credential scope does not match the request's X-Amz-Date." };
  if (Math.abs(now.getTime() - signedAt.getTime()) > SKEW_MS)
    return { ok: false, message: `Signature expired: ${header("x-amz-date")} is outside 5 minutes of now` };
  const names = signedHeaders.split(";");
  // A payload hash sent as a header must be the body's: the body is what the signature covers.
  const sent = header("x-amz-content-sha256");
  const bodyHash = createHash("sha256").update(body).digest("hex");
  if (!names.includes("host") || (sent !== undefined && sent !== bodyHash))
    return { ok: false, message: MISMATCH };
  const headers = Object.fromEntries(names.map((name) => [name, header(name) ?? ""]));
  const signable = {
    method: request.method ?? "GET",
    url,
    headers,
    body: body.length ? new Uint8Array(body) : undefined,
  };
  const recomputed = (await signRequest(signable, issued.credentials, region, signedAt)).authorization ?? "";
  const same = equal(recomputed, `SignedHeaders=${signedHeaders}, Signature=${signature}`);
  return same ? { ok: true, issued } : { ok: false, message: MISMATCH };
}

/** The recomputed header's signed headers and signature against the request's, in constant time. */
function equal(recomputed: string, given: string): boolean {
  const expected = Buffer.from(recomputed.slice(recomputed.indexOf("SignedHeaders=")));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** `20241231T235959Z` → the instant; undefined when it is not one. */
function amzDate(text: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return undefined;
  const date = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
