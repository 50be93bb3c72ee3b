/**
 * Calls to the local workbench API as a signed-in person's program makes them: credentials from the
 * development login, each request SigV4-signed with them (console/src/sigv4.ts, the console's own signer).
 */
import { type Signable, signRequest, type TemporaryCredentials } from "../../console/src/sigv4";

export interface SignedIn {
  credentials: TemporaryCredentials;
  region: string;
}

export async function devLogin(origin: string, login: string, role: string): Promise<SignedIn> {
  const response = await fetch(`${origin}/dev/login`, {
    method: "POST",
    body: JSON.stringify({ login, role }),
  });
  if (!response.ok)
    throw new Error(`dev login ${login} ${role}: ${response.status} ${await response.text()}`);
  return (await response.json()) as SignedIn;
}

export interface Call {
  method: "GET" | "POST";
  /** Under /api, with any query. */
  path: string;
  body?: string;
  headers?: Record<string, string>;
  /** Signed as this instead (a tampered request signs one thing and sends another). */
  signAs?: Partial<Signable>;
  signingDate?: Date;
}

/** Sends the call signed by `signedIn` (unsigned when null). */
export async function signedCall(origin: string, signedIn: SignedIn | null, call: Call): Promise<Response> {
  const url = new URL(`/api${call.path}`, origin);
  const headers = { "content-type": "application/json", ...call.headers };
  const signable = { method: call.method, url, headers, body: call.body, ...call.signAs };
  // What is sent: the call's own headers, with the signature's (computed over `signAs` where given).
  const sent: Record<string, string> = { ...headers };
  if (signedIn) {
    const signed = await signRequest(signable, signedIn.credentials, signedIn.region, call.signingDate);
    for (const name of ["authorization", "x-amz-date", "x-amz-security-token"])
      sent[name] = signed[name] ?? "";
  }
  return fetch(url, { method: call.method, headers: sent, body: call.body ?? null });
}
