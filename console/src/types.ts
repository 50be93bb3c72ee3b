/** The API's response shapes the console reads (docs/contract/workbench.md § Routes). Fen is a string. */
export interface Money {
  amount: string;
  amountFen: string;
}

export interface Totals {
  payouts: Money;
  clawbacks: Money;
  net: Money;
  count: number;
}

export interface Budget {
  policyVersion: string;
  program: string;
  configured: Money;
  allocated: Money;
  committed: Money;
  held: Money;
  available: Money;
  heldPayouts: number;
  /** Only where the program's period is budgeted by funder (payments.md § Budgets by funder). */
  funders?: FunderBudget[];
}

export interface FunderBudget {
  funder: string;
  allocated: Money;
  committed: Money;
  held: Money;
  available: Money;
}

export interface Overview {
  period: number;
  today: string | null;
  totals: Totals;
  byProgram: (Totals & { program: string; clause: string })[];
  byDistrict: (Totals & { district: string | null; districtName: string | null })[];
  byMonth: (Totals & { month: string })[];
  budgets: Budget[];
}

export interface Person {
  id: string;
  name: string;
}

export interface Batch {
  batchId: string;
  seq: number;
  cutoff: string | null;
  closedOn: string | null;
  closedBy: Person | null;
  notice: { start: string; end: string } | null;
  lineCount: number;
  approvedOn: string | null;
  approvedBy: Person | null;
  phase: string;
  instructed: number;
}

export interface Line {
  lineId: string;
  program: string;
  clause: string;
  period: number;
  beneficiary: { kind: string; id: string; name?: string };
  district: string | null;
  districtName: string | null;
  openedOn: string;
  batchId: string | null;
  state: string;
  original: Money;
  remaining: Money;
}

export interface Reconciliation {
  period: number;
  balanced: boolean;
  units: number;
  states: ({ state: string; lines: number } & Money)[];
  unbalanced: {
    program: string;
    period: number;
    beneficiary: string;
    entitlement: Money;
    difference: Money;
  }[];
}

export interface ActionAccepted {
  factId: string;
  type: string;
  actor: Person & { roles: string[] };
}
