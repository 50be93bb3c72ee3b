import type { Item, Snapshot, VersionedItem, VersionedPut } from "../items";
import { type ItemKey, keyId } from "../keys";
import { loaded } from "../snapshot";

/**
 * The items a lifecycle decision changes, as working copies over what it loaded: read an item (changed
 * or as loaded), write it back, and at the end every changed item becomes one put conditioned on the
 * version that was read — so several steps may touch one beneficiary or batch and it is written once.
 */
export class WorkingSet {
  readonly #changed = new Map<string, VersionedItem>();
  readonly #kept = new Map<string, ItemKey>();

  constructor(readonly snapshot: Snapshot) {}

  read<E extends VersionedItem["entity"]>(key: ItemKey, entity: E): Extract<Item, { entity: E }> | null {
    const changed = this.#changed.get(keyId(key));
    if (changed) return changed as Extract<Item, { entity: E }>;
    return loaded(this.snapshot, key, entity);
  }

  write(item: VersionedItem): void {
    this.#changed.set(keyId(item.key), item);
  }

  /** The decision relies on this item staying as read (a line opened on today): checked at commit. */
  keep(key: ItemKey): void {
    this.#kept.set(keyId(key), key);
  }

  /** A version check for every kept item this working set does not itself write. */
  checks(): { key: ItemKey; expectedVersion: number | null }[] {
    return [...this.#kept]
      .filter(([id]) => !this.#changed.has(id))
      .map(([id, key]) => ({
        key,
        expectedVersion: (this.snapshot.get(id) as VersionedItem | null | undefined)?.version ?? null,
      }));
  }

  has(key: ItemKey): boolean {
    return this.#changed.has(keyId(key));
  }

  puts(): VersionedPut<VersionedItem>[] {
    return [...this.#changed.values()].map((item) => {
      const before = this.snapshot.get(keyId(item.key)) as VersionedItem | null | undefined;
      const version = before?.version ?? null;
      return { item: { ...item, version: (version ?? 0) + 1 } as VersionedItem, expectedVersion: version };
    });
  }
}
