/**
 * Amounts as people read them: the API's yuan string ("300000.00", "-1500.00") with thousands grouped.
 * String work only — the console never does arithmetic on money.
 */
export function grouped(yuan: string): string {
  const match = /^(-?)(\d+)(\.\d+)?$/.exec(yuan);
  if (!match) return yuan;
  const [, sign = "", whole = "", fraction = ""] = match;
  return `${sign}${whole.replace(/\B(?=(\d{3})+$)/g, ",")}${fraction}`;
}
