/**
 * Who is signed in. Served by the local adapter, the console offers its development login (a named user
 * and one of their roles), which returns the session's temporary credentials; deployed it has no such flag
 * and asks for the bureau's identity provider.
 */
import { forgetSession, type SignedInSession, storedSession, storeSession } from "./credentials";
import { h } from "./dom";
import { t } from "./i18n";
import { dev } from "./state";

export interface Session {
  login: string;
  name: string;
  role: string;
}

export async function currentSession(): Promise<Session | null> {
  return storedSession()?.session ?? null;
}

async function signIn(login: string, role: string): Promise<void> {
  const response = await fetch("/dev/login", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ login, role }),
  });
  if (!response.ok) throw new Error(await response.text());
  storeSession((await response.json()) as SignedInSession);
  location.reload();
}

async function signOut(): Promise<void> {
  const accessKeyId = storedSession()?.credentials.accessKeyId;
  forgetSession();
  // Locally the adapter forgets the credentials too, so they sign nothing more.
  if (dev) await fetch("/dev/logout", { method: "POST", body: JSON.stringify({ accessKeyId }) });
  location.reload();
}

export function sessionBox(session: Session | null): HTMLElement {
  if (session) {
    return h(
      "div",
      { class: "session", id: "session", "data-login": session.login, "data-role": session.role },
      `${t("signedInAs")} ${session.name} (${session.login} · ${session.role}) `,
      h("button", { type: "button", id: "sign-out", onclick: () => void signOut() }, t("signOut")),
    );
  }
  if (!dev) return h("div", { class: "session" }, t("federated"));
  const select = h(
    "select",
    { id: "dev-user" },
    ...dev.users.flatMap((u) =>
      u.roles.map((role) => h("option", { value: `${u.login} ${role}` }, `${u.name} ${u.login} · ${role}`)),
    ),
  );
  const chosen = () => {
    const [login = "", role = ""] = select.value.split(" ");
    void signIn(login, role);
  };
  return h(
    "div",
    { class: "session dev-login" },
    h("span", {}, t("devLogin")),
    select,
    h("button", { type: "button", id: "sign-in", onclick: chosen }, t("signIn")),
  );
}

/** The clock control (local only): publishes the next clock.day through the clock channel, via the adapter. */
export function clockControl(onMoved: () => void): HTMLElement | null {
  if (!dev) return null;
  const shown = h("span", { id: "dev-today" }, "—");
  const refresh = async () => {
    shown.textContent = ((await (await fetch("/dev/clock")).json()) as { today: string | null }).today ?? "—";
  };
  const advance = async () => {
    button.disabled = true;
    const response = await fetch("/dev/clock/advance", { method: "POST" });
    button.disabled = false;
    if (response.ok) shown.textContent = ((await response.json()) as { today: string }).today;
    onMoved();
  };
  const button = h(
    "button",
    { type: "button", id: "dev-advance", onclick: () => void advance() },
    t("advanceDay"),
  );
  void refresh();
  return h("div", { class: "dev-clock" }, `${t("today")}: `, shown, " ", button);
}
