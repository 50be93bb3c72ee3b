/**
 * Amounts as people read them: the API's yuan string ("300000.00", "-1500.00") with thousands grouped.
 * String work, and where a sum must be checked, integer fen as BigInt — never a float near money.
 */
export function grouped(yuan: string): string {
  const match = /^(-?)(\d+)(\.\d+)?$/.exec(yuan);
  if (!match) return yuan;
  const [, sign = "", whole = "", fraction = ""] = match;
  return `${sign}${whole.replace(/\B(?=(\d{3})+$)/g, ",")}${fraction}`;
}

/** The contract's yuan string (shared/money.ts YUAN_PATTERN): at most 12 digits, at most 2 decimals. */
const YUAN = /^(0|[1-9][0-9]{0,11})(?:\.([0-9]{1,2}))?$/;

/** A typed amount as the API takes it, in fen; null unless it is a positive contract yuan string. */
export function positiveYuanToFen(text: string): bigint | null {
  const match = YUAN.exec(text);
  if (!match) return null;
  const fen = BigInt(match[1] ?? "0") * 100n + BigInt((match[2] ?? "").padEnd(2, "0"));
  return fen > 0n ? fen : null;
}
