import { keys } from "../keys";
import type { BeneficiaryItem, LineItem } from "./items";
import { beneficiaryOf } from "./lines";
import { effect, type LifecycleHandler, needing, type Outcome } from "./outcome";
import { emptyAgenda, settle } from "./settle";
import { missingForLines } from "./view";
import { WorkingSet } from "./working-set";

/**
 * The beneficiary's standing facts: credit restrictions and their clearance (the credit registry), the
 * payee confirmation and its revocation (the portal). A fact that may open a gate settles the
 * beneficiary's open lines.
 */

/** Loads the beneficiary, its open lines and what their states are read from. */
function withOpenLines(
  snapshot: WorkingSet["snapshot"],
  who: { kind: BeneficiaryItem["beneficiary"]["kind"]; id: string },
  city: Parameters<typeof missingForLines>[2],
): Outcome | { ws: WorkingSet; lines: LineItem[] } {
  const key = keys.beneficiary(who);
  const first = needing(snapshot, [key, keys.clock(), keys.agenda()]);
  if (first) return first;
  const ws = new WorkingSet(snapshot);
  const refs = (ws.read(key, "beneficiary") as BeneficiaryItem | null)?.openLines ?? [];
  const second = needing(
    snapshot,
    refs.map((r) => r.key),
  );
  if (second) return second;
  const lines = refs
    .map((r) => ws.read(r.key, "line") as LineItem | null)
    .filter((l): l is LineItem => l !== null);
  const third = needing(snapshot, missingForLines(snapshot, lines, city));
  if (third) return third;
  return { ws, lines };
}

export const creditRestricted: LifecycleHandler<"credit.restricted"> = (message, snapshot) => {
  const { list, uscc, from, reason } = message.data;
  const who = { kind: "enterprise" as const, id: uscc };
  const first = needing(snapshot, [keys.beneficiary(who)]);
  if (first) return first;
  const ws = new WorkingSet(snapshot);
  const beneficiary = beneficiaryOf(ws, who);
  ws.write({ ...beneficiary, credit: [...beneficiary.credit, { list, from, reason }] });
  return effect(ws, undefined);
};

export const creditCleared: LifecycleHandler<"credit.cleared"> = (message, snapshot, context) => {
  const { list, uscc, from, clearedOn } = message.data;
  const who = { kind: "enterprise" as const, id: uscc };
  const loaded = withOpenLines(snapshot, who, context.city);
  if (!("ws" in loaded)) return loaded;
  const { ws, lines } = loaded;
  const beneficiary = beneficiaryOf(ws, who);
  const credit = beneficiary.credit.map((e) =>
    e.list === list && e.from === from ? { ...e, clearedOn } : e,
  );
  ws.write({ ...beneficiary, credit });
  const today = ws.read(keys.clock(), "clock")?.today;
  if (today && clearedOn > today) {
    // Cleared from a later day: the clock settles the beneficiary's lines when it comes.
    const agenda = ws.read(keys.agenda(), "agenda") ?? emptyAgenda();
    ws.write({
      ...agenda,
      clearances: [...agenda.clearances, { date: clearedOn, beneficiary: beneficiary.key }],
    });
    return effect(ws, undefined);
  }
  return effect(ws, settle(ws, lines, context.city));
};

export const payeeConfirmed: LifecycleHandler<"payee.confirmed"> = (message, snapshot, context) => {
  const loaded = withOpenLines(snapshot, message.data.beneficiary, context.city);
  if (!("ws" in loaded)) return loaded;
  const { ws, lines } = loaded;
  const beneficiary = beneficiaryOf(ws, message.data.beneficiary);
  const payee = {
    accountRef: message.data.accountRef,
    confirmedOn: message.data.confirmedOn,
    time: message.time,
  };
  ws.write({ ...beneficiary, payee });
  return effect(ws, settle(ws, lines, context.city));
};

export const payeeRevoked: LifecycleHandler<"payee.revoked"> = (message, snapshot) => {
  const key = keys.beneficiary(message.data.beneficiary);
  const first = needing(snapshot, [key]);
  if (first) return first;
  const ws = new WorkingSet(snapshot);
  const beneficiary = beneficiaryOf(ws, message.data.beneficiary);
  const revokedOn = [beneficiary.payeeRevokedOn ?? "", message.data.revokedOn].sort().at(-1) as string;
  ws.write({ ...beneficiary, payeeRevokedOn: revokedOn });
  return effect(ws, undefined);
};
