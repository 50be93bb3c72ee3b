import { USCC_ALPHABET, usccCheckCharacter } from "../shared/contract/uscc";
import {
  ACADEMIA,
  DISTRICT_WEIGHTS,
  type DistrictId,
  divisionOf,
  NAME_PARTS,
  type Organisation,
  type PartyKind,
} from "./catalogue";
import type { Rng } from "./rng";

/** A registered enterprise and where it is. */
export interface Enterprise {
  readonly uscc: string;
  readonly name: string;
  readonly district: DistrictId;
}

export interface Academic {
  readonly uscc: string;
  readonly name: string;
  readonly kind: PartyKind;
}

/** The code's body (positions 1–17) and its check character. */
export function uscc(rng: Rng, category: "91" | "12", division: string): string {
  // Companies registered since 2015 carry an "MA…" body; older ones kept their organisation code.
  const body =
    category === "91" && rng.chance(0.7)
      ? `MA${rng.chars("0123456789ABCDEFGHJKLMNPQRTUWXY", 7)}`
      : `${rng.chars("0123456789", 8)}${rng.chars(USCC_ALPHABET, 1)}`;
  const first17 = `${category}${division}${body}`;
  const check = usccCheckCharacter(first17);
  if (check === undefined) throw new Error(`cannot build a USCC from ${first17}`);
  return first17 + check;
}

/** A USCC that differs from a valid one only in its check character. */
export function withWrongCheck(code: string): string {
  const right = code.charAt(17);
  const wrong = USCC_ALPHABET.charAt((USCC_ALPHABET.indexOf(right) + 7) % USCC_ALPHABET.length);
  return code.slice(0, 17) + wrong;
}

/**
 * Every party of the sample, named once. `fresh` enterprises join the pool that `existing` draws from;
 * `reserved` ones stay out of it, so a designed boundary case (a cap reached exactly) is never disturbed
 * by background facts.
 */
export class Parties {
  readonly #rng: Rng;
  readonly #names = new Set<string>();
  readonly #codes = new Set<string>();
  readonly #pool: Enterprise[] = [];
  readonly #teams: Organisation[] = [];
  readonly #academia: Academic[];
  #teamSeq = 0;

  constructor(rng: Rng) {
    this.#rng = rng;
    this.#academia = ACADEMIA.map((a) => ({
      uscc: this.#code("12", a.division),
      name: a.name,
      kind: a.kind,
    }));
  }

  district(): DistrictId {
    return this.#rng.weighted(DISTRICT_WEIGHTS);
  }

  fresh(district: DistrictId = this.district()): Enterprise {
    const enterprise = this.reserved(district);
    this.#pool.push(enterprise);
    return enterprise;
  }

  reserved(district: DistrictId = this.district(), suffix?: string): Enterprise {
    return { uscc: this.#code("91", divisionOf(district)), name: this.#companyName(suffix), district };
  }

  /** An enterprise already in the sample (now and then a new one, as registries keep meeting new firms). */
  existing(): Enterprise {
    if (this.#pool.length < 40 || this.#rng.chance(0.25)) return this.fresh();
    return this.#rng.pick(this.#pool);
  }

  academic(): Academic {
    return this.#rng.pick(this.#academia);
  }

  /** A founders' team (创业/创客团队) holding innovation vouchers; sometimes one seen before. */
  team(year: number): Organisation {
    if (this.#teams.length >= 12 && this.#rng.chance(0.4)) return this.#rng.pick(this.#teams);
    return this.newTeam(year);
  }

  newTeam(year: number, register = true): Organisation {
    this.#teamSeq += this.#rng.int(1, 9);
    const topic = this.#rng.pick(NAME_PARTS.teamTopic);
    const lead = this.#rng.pick([
      "泉城",
      "齐鲁",
      "明湖",
      "舜耕",
      "趵突",
      "千佛山",
      "华山",
      "鹊华",
      "龙山",
      "章丘",
    ]);
    const team = {
      id: `team-jn-${year}-${String(this.#teamSeq).padStart(4, "0")}`,
      name: `${lead}${topic}${this.#rng.weighted(NAME_PARTS.teamSuffix)}`,
    };
    if (register) this.#teams.push(team);
    return team;
  }

  #code(category: "91" | "12", division: string): string {
    for (;;) {
      const code = uscc(this.#rng, category, division);
      if (!this.#codes.has(code)) {
        this.#codes.add(code);
        return code;
      }
    }
  }

  #companyName(suffix?: string): string {
    for (let tries = 1; ; tries++) {
      // About 590,000 names are made of the parts; a province-sized stream needs more, so once the draws
      // keep colliding a brand takes a number (never within the sample's size: collisions are rare there).
      const brand = this.#rng.sample(NAME_PARTS.brand, 2).join("") + (tries > 20 ? String(tries) : "");
      const name =
        this.#rng.weighted(NAME_PARTS.prefix) +
        brand +
        this.#rng.pick(NAME_PARTS.trade) +
        (suffix ?? this.#rng.weighted(NAME_PARTS.suffix));
      if (!this.#names.has(name)) {
        this.#names.add(name);
        return name;
      }
    }
  }
}

/** The `{ uscc, name }` shape the contract names an enterprise by. */
export function ref(party: { readonly uscc: string; readonly name: string }): { uscc: string; name: string } {
  return { uscc: party.uscc, name: party.name };
}
