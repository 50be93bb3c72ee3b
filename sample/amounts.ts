import { applyBasisPoints, type Fen, fenToYuan, minFen, yuanToFen } from "../shared/money";
import type { Rng } from "./rng";

/** Whole yuan → fen. */
export function yuan(whole: number): Fen {
  if (!Number.isSafeInteger(whole)) throw new RangeError(`not a whole yuan amount: ${whole}`);
  return BigInt(whole) * 100n;
}

/** Exact yuan text ("999999.50") → fen, for amounts written out by hand. */
export function yuanText(text: string): Fen {
  const fen = yuanToFen(text);
  if (fen === undefined) throw new RangeError(`not a yuan amount: ${text}`);
  return fen;
}

/** Yuan as registries write it: no trailing zeros ("1000", "1234.5", "0.01"). */
export function wireYuan(fen: Fen): string {
  const full = fenToYuan(fen);
  if (full.endsWith(".00")) return full.slice(0, -3);
  return full.endsWith("0") ? full.slice(0, -1) : full;
}

/** The same amount with both decimals ("1000" → "1000.00"): a different text, the same value. */
export function fullYuan(wire: string): string {
  return fenToYuan(yuanText(wire));
}

/** A whole-yuan amount in [min, max], a multiple of `step`. */
export function randomYuan(rng: Rng, min: number, max: number, step = 1): Fen {
  return yuan(rng.int(Math.ceil(min / step), Math.floor(max / step)) * step);
}

/** The amount plus 1–99 fen, as invoices and tax data often have. */
export function withCents(rng: Rng, fen: Fen): Fen {
  return fen + BigInt(rng.int(1, 99));
}

/** Ranges of magnitude for amounts that spread over orders of magnitude (contracts, invoices). */
export function spreadYuan(
  rng: Rng,
  bands: readonly (readonly [number, number, number])[],
  step: number,
): Fen {
  const [min, max] = rng.weighted(bands.map(([lo, hi, weight]) => [[lo, hi] as const, weight] as const));
  return randomYuan(rng, min, max, step);
}

export function sumFen(amounts: readonly Fen[]): Fen {
  return amounts.reduce((sum, amount) => sum + amount, 0n);
}

/** rate × base rounded down to the fen, capped: how the policy table computes an entitlement. */
export function cappedShare(base: Fen, basisPoints: number, cap: Fen): Fen {
  return minFen(applyBasisPoints(base, basisPoints), cap);
}

export { type Fen, fenToYuan };
