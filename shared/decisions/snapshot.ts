import { SnapshotMissingError } from "./errors";
import type { Item, Snapshot } from "./items";
import { type ItemKey, keyId } from "./keys";

/** Whether the snapshot holds an answer (the item, or its absence) for the key. */
export function hasLoaded(snapshot: Snapshot, key: ItemKey): boolean {
  return snapshot.has(keyId(key));
}

/** The keys of `wanted` the snapshot has no answer for yet. */
export function missing(snapshot: Snapshot, wanted: readonly ItemKey[]): ItemKey[] {
  const seen = new Set<string>();
  return wanted.filter((key) => {
    const id = keyId(key);
    if (snapshot.has(id) || seen.has(id)) return false;
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
  if (item && item.entity !== entity) {
    throw new SnapshotMissingError(`${key.pk} ${key.sk} holds a ${item.entity}, not a ${entity}`);
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
