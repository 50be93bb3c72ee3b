import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { utf8Bytes } from "../contract/utf8";
import { type Item, storedBody } from "../decisions/items";
import { type ItemKey, keyId, keys, LEDGER_TABLE, payoutIndexKeys } from "../decisions/keys";
import {
  type LifecycleMessage,
  messageIdOf,
  OUTBOX_QUEUES,
  type OutboxItem,
  type OutboxKind,
} from "../decisions/lifecycle/messages";
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

/** `tagJson` read back: `{"$fen":"123"}` is the bigint 123n again. */
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
  // A history item's body leaves out the key its own attributes hold (decodeItem puts it back from them).
  return {
    ...keyAttributes(item.key),
    entity: S(item.entity),
    ...("version" in item ? { [LEDGER_TABLE.version]: N(item.version) } : {}),
    body: S(storedBody(item)),
  };
}

/**
 * The bytes DynamoDB counts for an encoded item (names and values, UTF-8): what its 400 KB limit is
 * measured on. A number counts its digits, at least what DynamoDB counts for it.
 */
export function attributeBytes(av: Av): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(av)) {
    bytes += utf8Bytes(name);
    if (value.S !== undefined) bytes += utf8Bytes(value.S);
    else if (value.N !== undefined) bytes += value.N.length;
    else bytes += utf8Bytes(JSON.stringify(value));
  }
  return bytes;
}

export function decodeItem(av: Av): Item {
  const key = storedKey(av);
  const body = av.body?.S;
  if (body === undefined) throw new LedgerCorruptItemError(`${key.pk} ${key.sk}: no body`);
  const item = untagJson(body) as Item;
  if (item.entity === "history" && item.entity === av.entity?.S) return { ...item, key };
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

/** A payout item's message, as encodePayout stored it. */
export function decodePayout(av: Av): PayoutMessage {
  return parsed(av, av.message?.S) as PayoutMessage;
}

export function encodeRelease(message: ReleaseMessage): Av {
  return {
    ...keyAttributes(keys.release(message)),
    entity: S("release"),
    message: S(JSON.stringify(message)),
    payoutId: S(message.payoutId),
  };
}

/** The outbox entities: entitlement changes (payout, release) and the lifecycle's message lists (outbox). */
const OUTBOX_SORT_KEYS = ["payout#", "release#", "outbox#"];

/** The key of an outbox item in a stream record's Keys, or undefined for any other item. */
export function outboxKeyOf(keys: Av | undefined): ItemKey | undefined {
  const pk = keys?.[LEDGER_TABLE.partitionKey]?.S;
  const sk = keys?.[LEDGER_TABLE.sortKey]?.S;
  if (pk === undefined || sk === undefined || !OUTBOX_SORT_KEYS.some((prefix) => sk.startsWith(prefix)))
    return undefined;
  return { pk, sk };
}

/** One message the relay sends: to which queue, with its FIFO group and deduplication id. */
export interface Delivery {
  queue: OutboxQueue;
  message: PayoutMessage | LifecycleMessage;
  groupId: string;
  dedupeId: string;
}
export type OutboxQueue = (typeof OUTBOX_QUEUES)[OutboxKind];

/**
 * The messages an outbox item carries, each addressed: a payout or release item one message to the
 * payouts queue; a lifecycle list one message per entry, to its kind's queue. Undefined for any other item.
 */
export function deliveriesOf(av: Av): Delivery[] | undefined {
  const entity = av.entity?.S;
  if (entity === "payout" || entity === "release") {
    const message = parsed(av, av.message?.S) as PayoutMessage | ReleaseMessage;
    const dedupeId = message.kind === "release" ? message.releaseId : message.payoutId;
    return [{ queue: "payouts", message, groupId: beneficiaryGroup(message.beneficiary), dedupeId }];
  }
  if (entity !== "outbox") return undefined;
  const item = decodeItem(av) as OutboxItem;
  return item.messages.map((message) => ({
    queue: OUTBOX_QUEUES[item.kind],
    message,
    groupId: message.kind === "publicity-list" ? message.batchId : beneficiaryGroup(message.beneficiary),
    dedupeId: messageIdOf(message),
  }));
}

function parsed(av: Av, text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? "");
  } catch (cause) {
    throw new LedgerCorruptItemError(`${av.pk?.S} ${av.sk?.S}: message is not JSON`, { cause });
  }
}

/** One FIFO group per beneficiary: its messages arrive in the order they were decided. */
function beneficiaryGroup(b: { kind: string; id: string }): string {
  return `${b.kind}#${b.id}`;
}
