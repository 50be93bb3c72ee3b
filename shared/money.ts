/**
 * Money is integer fen (1 yuan = 100 fen) as `bigint` from parse to ledger to message: sums of many
 * contract amounts can pass 2^53 fen, and no floating point may come near an amount.
 */
export type Fen = bigint;

/** The contract's yuan string: `^(0|[1-9][0-9]{0,11})(\.[0-9]{1,2})?$`. */
export const YUAN_PATTERN = /^(0|[1-9][0-9]{0,11})(\.[0-9]{1,2})?$/;

/** Exact yuan string → fen; `undefined` when the string is not a contract yuan amount. */
export function yuanToFen(yuan: string): Fen | undefined {
  const match = YUAN_PATTERN.exec(yuan);
  if (!match) return undefined;
  const whole = match[1] ?? "0";
  const fraction = (match[2] ?? ".").slice(1).padEnd(2, "0");
  return BigInt(whole) * 100n + BigInt(fraction);
}

/** Fen → yuan decimal string with two decimals, signed: `-150000n` → `"-1500.00"`. */
export function fenToYuan(fen: Fen): string {
  const sign = fen < 0n ? "-" : "";
  const abs = fen < 0n ? -fen : fen;
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, "0")}`;
}

/** Fen → yuan with thousands grouped, for people reading reports: `-24838361570n` → `"-248,383,615.70"`. */
export function fenToGroupedYuan(fen: Fen): string {
  const [whole = "", fraction = ""] = fenToYuan(fen).split(".");
  return `${whole.replace(/\B(?=(\d{3})+$)/g, ",")}.${fraction}`;
}

/** Fen for a JSON message field; payout amounts are capped far below 2^53, and this checks it. */
export function fenToSafeNumber(fen: Fen): number {
  if (fen > BigInt(Number.MAX_SAFE_INTEGER) || fen < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`amount ${fen} fen does not fit a JSON safe integer`);
  }
  return Number(fen);
}

/** `rate × base`, rounded down to the fen (不超过: never more than the rate allows). */
export function applyBasisPoints(baseFen: Fen, rateBasisPoints: number): Fen {
  return floorDiv(baseFen * BigInt(rateBasisPoints), 10_000n);
}

export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

export function minFen(a: Fen, b: Fen): Fen {
  return a < b ? a : b;
}
