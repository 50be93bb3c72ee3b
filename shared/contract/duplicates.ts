/**
 * Duplicate member names. RFC 8259 §4 leaves an object with a name twice to each parser ("unpredictable":
 * JSON.parse keeps the last, another parser in the chain may keep the first), so the contract takes
 * I-JSON (RFC 7493 §2.3): every name once per object, names compared after unescaping (`"city"` and
 * `"\u0063ity"` are one name).
 *
 * A scanner over text JSON.parse has already accepted, not a second parser: it only needs to know where
 * strings start and end and which of them are names, so it cannot disagree with JSON.parse about the
 * grammar. One pass, linear in the text; an explicit stack, so a million levels of nesting cost memory,
 * not recursion.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/** An object being scanned: its names so far (a Set only once there are two), and the current one. */
interface ObjectFrame {
  first?: string;
  names?: Set<string>;
  current: string;
}
/** An array is just the index of its current element. */
type Frame = ObjectFrame | number;

export interface DuplicateName {
  /** Names and array indexes from the message's root to the repeated name, which is last. */
  path: (string | number)[];
}

/** The first name that appears twice in one object of `json` (valid JSON), or undefined. */
export function duplicateName(json: string): DuplicateName | undefined {
  const stack: Frame[] = [];
  let expectingName = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === QUOTE) {
      const end = closingQuote(json, i);
      const top = stack[stack.length - 1];
      if (expectingName && typeof top === "object") {
        const name = unescaped(json, i, end);
        if (seen(top, name)) return { path: [...stack.slice(0, -1).map(segment), name] };
        top.current = name;
        expectingName = false;
      }
      i = end;
    } else if (c === OPEN_OBJECT) {
      stack.push({ current: "" });
      expectingName = true;
    } else if (c === OPEN_ARRAY) {
      stack.push(0);
      expectingName = false;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      stack.pop();
      expectingName = false;
    } else if (c === COMMA) {
      const top = stack.length - 1;
      const frame = stack[top];
      if (typeof frame === "number") stack[top] = frame + 1;
      else expectingName = true;
    }
  }
  return undefined;
}

function segment(frame: Frame): string | number {
  return typeof frame === "number" ? frame : frame.current;
}

/** Records `name` in the object; true if it was there already. */
function seen(frame: ObjectFrame, name: string): boolean {
  if (frame.names) {
    if (frame.names.has(name)) return true;
    frame.names.add(name);
    return false;
  }
  if (frame.first === undefined) {
    frame.first = name;
    return false;
  }
  if (frame.first === name) return true;
  frame.names = new Set([frame.first, name]);
  return false;
}

/** The index of the quote that closes the string opening at `start`: one not preceded by an odd run of backslashes. */
function closingQuote(json: string, start: number): number {
  let from = start + 1;
  for (;;) {
    const quote = json.indexOf('"', from);
    if (quote < 0) return json.length; // unreachable for valid JSON
    let backslashes = 0;
    while (json.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
    from = quote + 1;
  }
}

function unescaped(json: string, start: number, end: number): string {
  const raw = json.slice(start + 1, end);
  return raw.includes("\\") ? (JSON.parse(json.slice(start, end + 1)) as string) : raw;
}
