import type { DraftBook } from "../draft";
import type { Parties } from "../parties";
import type { Rng } from "../rng";

/** What every scenario works with: its own random stream, the shared parties and the message book. */
export interface Context {
  readonly rng: Rng;
  readonly parties: Parties;
  readonly book: DraftBook;
}

/** A scenario whose volume scales with `--count`: `background(n)` adds exactly `n` messages. */
export interface Scalable {
  background(n: number): void;
}

/** Mostly 2024, some 2023 and 2025, a few outside the policy window. */
export const FACT_YEARS: readonly (readonly [number, number])[] = [
  [2022, 2],
  [2023, 22],
  [2024, 52],
  [2025, 22],
  [2026, 2],
];

/** A human-checkable line about a designed boundary, for the stats and the README. */
export type Check = string;

/** Per-year sequences that start somewhere plausible and skip numbers used by facts not in the sample. */
export class Sequences {
  readonly #next = new Map<string, number>();
  readonly #rng: Rng;

  constructor(rng: Rng) {
    this.#rng = rng;
  }

  next(
    key: string,
    start: readonly [number, number] = [1, 200],
    step: readonly [number, number] = [1, 9],
  ): number {
    const current = this.#next.get(key) ?? this.#rng.int(start[0], start[1]);
    this.#next.set(key, current + this.#rng.int(step[0], step[1]));
    return current;
  }
}

export const pad = (n: number, width: number): string => String(n).padStart(width, "0");

/** A scenario that numbers its ids: its context, per-year sequences on its own stream, the checks it reports. */
export abstract class NumberedScenario {
  readonly checks: Check[] = [];
  protected readonly ctx: Context;
  protected readonly ids: Sequences;

  constructor(ctx: Context) {
    this.ctx = ctx;
    this.ids = new Sequences(ctx.rng);
  }
}
