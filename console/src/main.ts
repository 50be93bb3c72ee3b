/** The console's shell: header, navigation, period, language, session, and the page the hash names. */
import { loadConfig } from "./config";
import { fill, h } from "./dom";
import { currentLanguage, type Key, setLanguage, t } from "./i18n";
import { loadInto } from "./notice";
import { budgetsPage } from "./pages/budgets";
import { overviewPage } from "./pages/overview";
import { queuePage } from "./pages/queue";
import { reconciliationPage } from "./pages/reconciliation";
import { tracePage } from "./pages/trace";
import { clockControl, currentSession, type Session, sessionBox } from "./session";
import { currentPage, currentPeriod, hashParams, PAGES, type PageName, setPeriod } from "./state";

const main = h("main", { id: "page" });

function page(name: PageName, period: number, role: string): Promise<Node> | Node {
  if (name === "queue") return queuePage(period, hashParams().get("program") ?? undefined);
  if (name === "trace") return tracePage(hashParams().get("id") ?? undefined);
  if (name === "budgets") return budgetsPage(period, role);
  if (name === "reconciliation") return reconciliationPage(period);
  return overviewPage(period);
}

function show(session: Session | null): void {
  const name = currentPage();
  for (const link of document.querySelectorAll("nav a"))
    link.classList.toggle("active", link.getAttribute("data-page") === name);
  if (!session) {
    fill(main, h("p", { class: "signed-out" }, t("federated")));
    return;
  }
  void loadInto(main, async () => page(name, currentPeriod(), session.role));
}

function header(session: Session | null): HTMLElement {
  const period = h("input", { id: "period", type: "number", min: 2000, max: 2100, value: currentPeriod() });
  period.addEventListener("change", () => {
    setPeriod(Number(period.value));
    show(session);
  });
  const language = h("button", { type: "button", id: "language" }, t("language"));
  language.addEventListener("click", () => {
    setLanguage(currentLanguage() === "zh" ? "en" : "zh");
    void boot();
  });
  const nav = h("nav", {}, ...PAGES.map((p) => h("a", { href: `#${p}`, "data-page": p }, t(p as Key))));
  return h(
    "header",
    {},
    h("h1", {}, t("title")),
    nav,
    h("label", { class: "period" }, `${t("period")} `, period),
    language,
    sessionBox(session),
    clockControl(() => show(session)) ?? "",
  );
}

async function boot(): Promise<void> {
  await loadConfig();
  setLanguage(currentLanguage());
  document.title = t("title");
  const session = await currentSession();
  fill(document.body, header(session), main);
  window.onhashchange = () => show(session);
  show(session);
}

void boot();
