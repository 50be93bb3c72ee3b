import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import type { Item } from "../decisions/items";
import { type ItemKey, keyId, keys, LEDGER_TABLE, payoutIndexKeys } from "../decisions/keys";
import type { PayoutMessage, ReleaseMessage } from "../decisions/payouts";
import { LedgerCorruptItemError } from "./errors";

/**
 * Items as DynamoDB stores them (keys: shared/decisions/keys.ts). Every state item is its key, its
 * entity, its version (what conditions test) and the item itself as tagged JSON, so a new item kind needs
 * no codec of its own. Outbox items — payouts and releases — carry the message exactly as finance receives
 * it, plus the attributes finance's indexes read.
 */
export type Av = Record<string, AttributeValue>;

const S = (value: string): AttributeValue => ({ S: value });
const N = (value: number | bigint): AttributeValue => ({ N: value.toString() });

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

/** The key attributes of an item key. */
export function keyAttributes(key: ItemKey): Av {
  return { [LEDGER_TABLE.partitionKey]: S(key.pk), [LEDGER_TABLE.sortKey]: S(key.sk) };
}

/** The key of a stored item, as its attributes say (not parsed from anything). */
export function storedKey(av: Av): ItemKey {
  const pk = av[LEDGER_TABLE.partitionKey]?.S;
  const sk = av[LEDGER_TABLE.sortKey]?.S;
  if (pk === undefined || sk === undefined)
    throw new LedgerCorruptItemError("an item without its key attributes");
  return { pk, sk };
}

export function encodeItem(item: Item): Av {
  return {
    ...keyAttributes(item.key),
    entity: S(item.entity),
    ...("version" in item ? { [LEDGER_TABLE.version]: N(item.version) } : {}),
    body: S(tagJson(item)),
  };
}

export function decodeItem(av: Av): Item {
  const key = storedKey(av);
  const body = av.body?.S;
  if (body === undefined) throw new LedgerCorruptItemError(`${key.pk} ${key.sk}: no body`);
  const item = untagJson(body) as Item;
  if (item.entity !== av.entity?.S || keyId(item.key) !== keyId(key)) {
    throw new LedgerCorruptItemError(`${key.pk} ${key.sk}: the body is another item's (${item.entity})`);
  }
  return item;
}

/** An outbox item: the message as finance will receive it, plus the finance indexes. */
export function encodePayout(message: PayoutMessage): Av {
  return {
    ...keyAttributes(keys.payout(message)),
    entity: S("payout"),
    message: S(JSON.stringify(message)),
    status: S(message.status),
    program: S(message.program),
    policyVersion: S(message.policyVersion),
    period: N(message.period),
    amountFen: N(message.amountFen),
    computedAt: S(message.computedAt),
    ...Object.fromEntries(Object.entries(payoutIndexKeys(message)).map(([name, value]) => [name, S(value)])),
  };
}

export function encodeRelease(message: ReleaseMessage): Av {
  return {
    ...keyAttributes(keys.release(message)),
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
