import type { FactType } from "./fact-types";
import type { Rejection } from "./rejection";
import type { DataOf } from "./types";

/** An accepted message: what the ledger and the policy see. */
export interface Message<T extends FactType = FactType> {
  source: string;
  id: string;
  type: T;
  /** Canonical UTC instant, `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`: fixed width, so string order is time order. */
  time: string;
  /** The China (UTC+8) date of `time`, `YYYY-MM-DD`. */
  chinaDate: string;
  data: DataOf<T>;
  /** sha256 hex of the canonical JSON of `{ type, time, data }`: a redelivery under the same (source, id) matches. */
  bodyHash: string;
  /** sha256 hex of the canonical JSON of `data`: facts under the same natural key compare by it. */
  dataHash: string;
}

/** A message of any type, discriminated by `type`: `if (m.type === "loan.filed") m.data.principal`. */
export type AnyMessage = { [K in FactType]: Message<K> }[FactType];

export type ParseResult = { ok: true; message: AnyMessage } | { ok: false; rejection: Rejection };

/** The receiving stack: its city and that city's district ids. */
export interface ContractContext {
  city: string;
  districtIds: ReadonlySet<string>;
}

export type FactDate = { kind: "date"; date: string } | { kind: "year"; year: number };
