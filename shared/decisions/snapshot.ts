import { SnapshotMissingError } from "./errors";
import type { Item, Snapshot } from "./items";
import { collectionId, type ItemCollection, type ItemKey, keyId } from "./keys";

/** What a step asks the ledger for: items by key, or every item of a collection. */
export type Need = ItemKey | ItemCollection;

export function isCollection(need: Need): need is ItemCollection {
  return "skPrefix" in need;
}

export function needId(need: Need): string {
  return isCollection(need) ? collectionId(need) : keyId(need);
}

/**
 * The needs of `wanted` the snapshot has no answer for yet (each once). A collection is answered once its
 * members are (`get` gives them), so a snapshot that answers every key at once — the in-memory ledger's —
 * is still asked for the collections a step reads.
 */
export function missing(snapshot: Snapshot, wanted: readonly Need[]): Need[] {
  const seen = new Set<string>();
  return wanted.filter((need) => {
    const id = needId(need);
    const answered = isCollection(need) ? snapshot.get(id) !== undefined : snapshot.has(id);
    if (answered || seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** The item at a key the step asked for: `null` when it is absent from the ledger. */
export function loaded<E extends Item["entity"]>(
  snapshot: Snapshot,
  key: ItemKey,
  entity: E,
): Extract<Item, { entity: E }> | null {
  const id = keyId(key);
  if (!snapshot.has(id)) throw new SnapshotMissingError(`${key.pk} ${key.sk} was read before it was loaded`);
  const item = snapshot.get(id) ?? null;
  if (Array.isArray(item))
    throw new SnapshotMissingError(`${key.pk} ${key.sk} names a collection, not an item`);
  if (item && (item as Item).entity !== entity) {
    throw new SnapshotMissingError(`${key.pk} ${key.sk} holds a ${(item as Item).entity}, not a ${entity}`);
  }
  return item as Extract<Item, { entity: E }> | null;
}

/** An item the step knows exists (a requirement it has already found standing). */
export function present<E extends Item["entity"]>(
  snapshot: Snapshot,
  key: ItemKey,
  entity: E,
): Extract<Item, { entity: E }> {
  const item = loaded(snapshot, key, entity);
  if (!item) throw new SnapshotMissingError(`${key.pk} ${key.sk} was expected to stand, but is absent`);
  return item;
}

/** The items of a collection the step asked for, of one entity, in sort-key order. */
export function membersOf<E extends Item["entity"]>(
  snapshot: Snapshot,
  collection: ItemCollection,
  entity: E,
): Extract<Item, { entity: E }>[] {
  const members = snapshot.get(collectionId(collection));
  if (!Array.isArray(members)) {
    throw new SnapshotMissingError(`${collection.pk} ${collection.skPrefix}* was read before it was loaded`);
  }
  return (members as readonly ItemKey[])
    .map((key) => snapshot.get(keyId(key)) as Item)
    .filter((item): item is Extract<Item, { entity: E }> => item?.entity === entity);
}
