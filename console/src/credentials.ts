/**
 * The signed-in session's temporary credentials, kept in this tab's sessionStorage (gone when the tab
 * closes; never a cookie, never localStorage). Locally the development login issues them; deployed they
 * come from the bureau's identity provider federated into a workbench role (workbench.md § Access).
 */
import type { TemporaryCredentials } from "./sigv4";

export interface SignedInSession {
  session: { login: string; name: string; role: string };
  credentials: TemporaryCredentials;
  /** The region the API is in: the signature's scope. */
  region: string;
}

const KEY = "autogrant-session";

export function storedSession(): SignedInSession | null {
  const text = sessionStorage.getItem(KEY);
  if (!text) return null;
  const stored = JSON.parse(text) as SignedInSession;
  // Expired credentials sign nothing the API would accept: the person signs in again.
  if (Date.parse(stored.credentials.expiration) <= Date.now()) {
    sessionStorage.removeItem(KEY);
    return null;
  }
  return stored;
}

export function storeSession(signedIn: SignedInSession): void {
  sessionStorage.setItem(KEY, JSON.stringify(signedIn));
}

export function forgetSession(): void {
  sessionStorage.removeItem(KEY);
}
