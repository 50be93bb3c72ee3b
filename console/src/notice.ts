/** Messages on the page: an action accepted, or a problem the API returned (status, title, detail). */
import { ProblemError } from "./api";
import { h } from "./dom";
import { t } from "./i18n";

export function problemBox(error: unknown): HTMLElement {
  if (error instanceof ProblemError) {
    const { status, title, detail, type } = error.problem;
    return h(
      "div",
      { class: "problem", role: "alert", "data-status": status, "data-type": type ?? "" },
      h("strong", {}, `${t("refused")} ${status}`),
      ` ${title}`,
      detail ? h("div", { class: "detail" }, detail) : null,
    );
  }
  return h("div", { class: "problem", role: "alert" }, String((error as Error).message ?? error));
}

export function acceptedBox(text: string): HTMLElement {
  return h("div", { class: "accepted", role: "status" }, `${t("accepted")}: ${text}`);
}

/** The latest load started into each element: an earlier one that finishes later must not overwrite it. */
const latest = new WeakMap<HTMLElement, symbol>();

/** Runs a page's loader into its element, showing "loading" and then the content or the problem. */
export async function loadInto(element: HTMLElement, load: () => Promise<Node>): Promise<void> {
  const token = Symbol("load");
  latest.set(element, token);
  element.replaceChildren(h("p", { class: "loading" }, t("loading")));
  let content: Node;
  try {
    content = await load();
  } catch (error) {
    content = problemBox(error);
  }
  if (latest.get(element) === token) element.replaceChildren(content);
}
