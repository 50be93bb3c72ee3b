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
  /** Items this working set copied to change in place (`edit`), with their named fields copied too. */
  readonly #owned = new Map<string, { item: VersionedItem; copied: Set<string> }>();
  #writes = 0;

  constructor(readonly snapshot: Snapshot) {}

  read<E extends VersionedItem["entity"]>(key: ItemKey, entity: E): Extract<Item, { entity: E }> | null {
    const changed = this.#changed.get(keyId(key));
    if (changed) return changed as Extract<Item, { entity: E }>;
    return loaded(this.snapshot, key, entity);
  }

  /** How many writes and edits so far: unchanged, every item reads as it did. */
  get writes(): number {
    return this.#writes;
  }

  write(item: VersionedItem): void {
    this.#writes++;
    const id = keyId(item.key);
    if (this.#owned.get(id)?.item !== item) this.#owned.delete(id);
    this.#changed.set(id, item);
  }

  /**
   * The item as this fact will write it, to change in place: copied once, with each named field (a record
   * or a list) copied once too, so what was loaded — the ledger's own item — is never touched. A batch
   * approval latches hundreds of lines on one batch: copying its records per line made that quadratic.
   */
  edit<E extends VersionedItem["entity"], F extends keyof Extract<VersionedItem, { entity: E }>>(
    key: ItemKey,
    entity: E,
    fields: readonly F[],
  ): Extract<VersionedItem, { entity: E }> | null {
    this.#writes++;
    const id = keyId(key);
    let owned = this.#owned.get(id);
    if (!owned) {
      const current = this.read(key, entity);
      if (!current) return null;
      owned = { item: { ...current } as VersionedItem, copied: new Set() };
      this.#changed.set(id, owned.item);
      this.#owned.set(id, owned);
    }
    const item = owned.item as unknown as Record<string, unknown>;
    for (const field of fields as readonly string[]) {
      if (owned.copied.has(field)) continue;
      const value = item[field];
      item[field] = Array.isArray(value) ? [...value] : { ...(value as object) };
      owned.copied.add(field);
    }
    return owned.item as Extract<VersionedItem, { entity: E }>;
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
