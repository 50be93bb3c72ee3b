/**
 * 受益人追溯: everything the ledger holds on one beneficiary, from the auditor's trace route — by USCC for
 * an enterprise (`/trace/{uscc}`), or `kind/id` for any other beneficiary (`/trace/{kind}/{id}`).
 */
import { getJson } from "../api";
import { fill, h } from "../dom";
import { t } from "../i18n";
import { loadInto } from "../notice";
import { renderTrace, type TraceView } from "./trace-view";

function tracePath(input: string): string {
  const [kind, id] = input.split("/");
  return id
    ? `/trace/${encodeURIComponent(kind ?? "")}/${encodeURIComponent(id)}`
    : `/trace/${encodeURIComponent(input)}`;
}

export function tracePage(initial?: string): Node {
  const input = h("input", {
    id: "trace-id",
    type: "search",
    placeholder: "USCC / kind/id",
    value: initial ?? "",
  });
  const result = h("div", {});
  const run = () => {
    const id = input.value.trim();
    if (!id) return fill(result);
    history.replaceState(null, "", `#trace?id=${encodeURIComponent(id)}`);
    void loadInto(result, async () => renderTrace(await getJson<TraceView>(tracePath(id))));
  };
  const form = h(
    "form",
    {
      onsubmit: (e: Event) => {
        e.preventDefault();
        run();
      },
    },
    input,
    h("button", { type: "submit", id: "trace-go" }, t("search")),
  );
  if (initial) run();
  return h("section", { id: "trace" }, form, result);
}
