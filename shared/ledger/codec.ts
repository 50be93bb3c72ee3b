import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import type { BudgetItem, FactItem, Item, ReceiptItem, UnitItem } from "../decisions/items";
import type { PayoutMessage, ReleaseMessage } from "../decisions/payouts";
import { LedgerCorruptItemError } from "./errors";

type Av = Record<string, AttributeValue>;

/**
 * Key design (one table): every item is addressed by `pk` (the decision core's key) and `sk` (its
 * entity). Payouts and releases are the outbox; the stream carries their inserts to the relay.
 *   receipt#<source>#<id>            receipt  body hash, outcome, reason, payout ids
 *   fact#<type>#<natural key>        fact     the standing fact (data as tagged JSON), version
 *   unit#<version>#<program>#<unit>  unit     counters, paid per period, version
 *   budget#<version>#<program>#<yr>  budget   allocated, committed, held, version
 *   payout#<payoutId>                payout   the payouts-contract message; GSI1 by period+status, GSI2 by beneficiary
 *   release#<releaseId>              release  the release message
 */
export const INDEXES = {
  byPeriodStatus: { name: "byPeriodStatus", pk: "gsi1pk", sk: "gsi1sk" },
  byBeneficiary: { name: "byBeneficiary", pk: "gsi2pk", sk: "gsi2sk" },
} as const;

const S = (value: string): AttributeValue => ({ S: value });
const N = (value: number | bigint): AttributeValue => ({ N: value.toString() });
const fenMap = (record: Record<string, bigint>): AttributeValue => ({
  M: Object.fromEntries(Object.entries(record).map(([k, v]) => [k, N(v)])),
});

/** JSON that keeps bigint fen exact: `{"$fen":"123"}`; the contract's strict data never has that key. */
export function tagJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? { $fen: v.toString() } : v));
}
export function untagJson(text: string): unknown {
  return JSON.parse(text, (_k, v) =>
    v &&
    typeof v === "object" &&
    !Array.isArray(v) &&
    Object.keys(v).length === 1 &&
    typeof v.$fen === "string"
      ? BigInt(v.$fen)
      : v,
  );
}

export function encodeItem(item: Item): Av {
  const base = { pk: S(item.key), sk: S(item.entity), entity: S(item.entity) };
  switch (item.entity) {
    case "receipt":
      return {
        ...base,
        source: S(item.source),
        id: S(item.id),
        type: S(item.type),
        bodyHash: S(item.bodyHash),
        outcome: S(item.outcome),
        ...(item.reason ? { reason: S(item.reason) } : {}),
        payoutIds: { L: item.payoutIds.map(S) },
        decidedAt: S(item.decidedAt),
      };
    case "fact":
      return {
        ...base,
        type: S(item.type),
        naturalKey: S(item.naturalKey),
        source: S(item.source),
        id: S(item.id),
        time: S(item.time),
        dataHash: S(item.dataHash),
        data: S(tagJson(item.data)),
        version: N(item.version),
      };
    case "unit":
      return {
        ...base,
        programId: S(item.programId),
        policyVersion: S(item.policyVersion),
        unitKey: S(item.unitKey),
        beneficiary: {
          M: { kind: S(item.beneficiary.kind), id: S(item.beneficiary.id), name: S(item.beneficiary.name) },
        },
        period: item.period === null ? { NULL: true } : N(item.period),
        ...(item.label ? { label: S(item.label) } : {}),
        ...(item.capFen !== undefined ? { capFen: N(item.capFen) } : {}),
        counters: fenMap(item.counters),
        paidFen: fenMap(item.paidFen),
        version: N(item.version),
      };
    case "budget":
      return {
        ...base,
        policyVersion: S(item.policyVersion),
        programId: S(item.programId),
        period: N(item.period),
        allocatedFen: N(item.allocatedFen),
        committedFen: N(item.committedFen),
        heldFen: N(item.heldFen),
        version: N(item.version),
      };
  }
}

export function decodeItem(av: Av): Item {
  const s = (name: string) => {
    const v = av[name]?.S;
    if (v === undefined) throw new LedgerCorruptItemError(`${av.pk?.S}: attribute ${name} is missing`);
    return v;
  };
  const n = (name: string) => BigInt(av[name]?.N ?? corrupt(av, name));
  const fens = (name: string) =>
    Object.fromEntries(Object.entries(av[name]?.M ?? {}).map(([k, v]) => [k, BigInt(v.N ?? "0")]));
  const entity = s("entity");
  const key = s("pk");
  switch (entity) {
    case "receipt": {
      const item: ReceiptItem = {
        entity,
        key,
        source: s("source"),
        id: s("id"),
        type: s("type") as ReceiptItem["type"],
        bodyHash: s("bodyHash"),
        outcome: "applied",
        payoutIds: (av.payoutIds?.L ?? []).map((v) => v.S ?? ""),
        decidedAt: s("decidedAt"),
      };
      if (av.reason?.S) item.reason = av.reason.S as ReceiptItem["reason"];
      return item;
    }
    case "fact":
      return {
        entity,
        key,
        type: s("type") as FactItem["type"],
        naturalKey: s("naturalKey"),
        source: s("source"),
        id: s("id"),
        time: s("time"),
        dataHash: s("dataHash"),
        data: untagJson(s("data")),
        version: Number(n("version")),
      };
    case "unit": {
      const b = av.beneficiary?.M ?? {};
      const item: UnitItem = {
        entity,
        key,
        programId: s("programId"),
        policyVersion: s("policyVersion"),
        unitKey: s("unitKey"),
        beneficiary: {
          kind: b.kind?.S as UnitItem["beneficiary"]["kind"],
          id: b.id?.S ?? "",
          name: b.name?.S ?? "",
        },
        period: av.period?.N === undefined ? null : Number(av.period.N),
        counters: fens("counters"),
        paidFen: fens("paidFen"),
        version: Number(n("version")),
      };
      if (av.label?.S) item.label = av.label.S;
      if (av.capFen?.N) item.capFen = BigInt(av.capFen.N);
      return item;
    }
    case "budget":
      return {
        entity,
        key,
        policyVersion: s("policyVersion"),
        programId: s("programId"),
        period: Number(n("period")),
        allocatedFen: n("allocatedFen"),
        committedFen: n("committedFen"),
        heldFen: n("heldFen"),
        version: Number(n("version")),
      } satisfies BudgetItem;
    default:
      throw new LedgerCorruptItemError(`${key}: unknown entity ${entity}`);
  }
}

function corrupt(av: Av, name: string): never {
  throw new LedgerCorruptItemError(`${av.pk?.S}: attribute ${name} is missing`);
}

/** An outbox item: the message as finance will receive it, plus the finance indexes. */
export function encodePayout(message: PayoutMessage): Av {
  const b = message.beneficiary;
  return {
    pk: S(`payout#${message.payoutId}`),
    sk: S("payout"),
    entity: S("payout"),
    message: S(JSON.stringify(message)),
    status: S(message.status),
    program: S(message.program),
    policyVersion: S(message.policyVersion),
    period: N(message.period),
    amountFen: N(message.amountFen),
    computedAt: S(message.computedAt),
    gsi1pk: S(`${message.period}#${message.status}`),
    gsi1sk: S(`${message.program}#${message.computedAt}#${message.payoutId}`),
    gsi2pk: S(`${b.kind}#${b.id}`),
    gsi2sk: S(`${message.period}#${message.program}#${message.computedAt}#${message.payoutId}`),
  };
}

export function encodeRelease(message: ReleaseMessage): Av {
  return {
    pk: S(`release#${message.releaseId}`),
    sk: S("release"),
    entity: S("release"),
    message: S(JSON.stringify(message)),
    payoutId: S(message.payoutId),
  };
}

export type OutboxMessage = PayoutMessage | ReleaseMessage;
export interface OutboxKey {
  pk: string;
  sk: "payout" | "release";
}

/** The key of an outbox item (`payout#…`/payout, `release#…`/release) in a stream record's Keys, or undefined. */
export function outboxKeyOf(keys: Av | undefined): OutboxKey | undefined {
  const pk = keys?.pk?.S;
  const sk = keys?.sk?.S;
  if ((sk !== "payout" && sk !== "release") || !pk?.startsWith(`${sk}#`)) return undefined;
  return { pk, sk };
}

/** The outbox message a payout or release item carries; undefined for any other item. */
export function outboxMessage(av: Av): OutboxMessage | undefined {
  const entity = av.entity?.S;
  if ((entity !== "payout" && entity !== "release") || !av.message?.S) return undefined;
  try {
    return JSON.parse(av.message.S) as OutboxMessage;
  } catch (cause) {
    throw new LedgerCorruptItemError(`${av.pk?.S}: message is not JSON`, { cause });
  }
}
