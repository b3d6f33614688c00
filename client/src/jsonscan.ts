/**
 * One pass over JSON text (already known or about to be checked as valid) that finds
 * what JSON.parse silently accepts but Kubernetes' strict decoder reports: duplicate
 * object keys (reported with their field path, as sigs.k8s.io/json does), nesting
 * deeper than the limit (kube's decoder stops at 10000 levels), and numbers a double
 * cannot hold: integers beyond 2^53 that kube's decoder keeps exact as int64 but
 * JavaScript would round or print differently, and numbers out of float64's range
 * (JSON.parse: Infinity).
 */

export interface JSONScanResult {
  /** Paths of duplicated fields, e.g. `spec.replicas`, `spec.items[0].name`. */
  duplicates: string[];
  tooDeep: boolean;
  /** The bracket that went one level too deep (Go's scanner names it). */
  tooDeepAt?: "{" | "[";
  /** Integer literals that JSON.parse would change, with their field paths (at most MAX_REPORTED). */
  inexactIntegers: InexactNumber[];
  /** The first number literal beyond float64's range. */
  outOfRange?: string;
}

export interface InexactNumber {
  path: string;
  literal: string;
}

/** Enough to report; an attacker's million numbers are not all listed. */
const MAX_REPORTED = 10;

/** Largest magnitude an integer may have: beyond it a double rounds some integers, and prints others (2^60) as different digits. */
export const MAX_EXACT_INTEGER = Number.MAX_SAFE_INTEGER;

/** Whether an integer literal is within ±(2^53 - 1), so JSON.parse and JSON.stringify keep it digit for digit. */
export function isExactInteger(literal: string): boolean {
  const digits = literal.charCodeAt(0) === 45 ? literal.length - 1 : literal.length;
  if (digits <= 15) return true;
  const n = BigInt(literal);
  return n <= BigInt(MAX_EXACT_INTEGER) && n >= -BigInt(MAX_EXACT_INTEGER);
}

/**
 * An object or array being scanned. Its path is only spelled out when something is reported
 * (from `parent` and `at`), so a clean body costs no string building per container.
 */
interface Frame {
  obj: boolean;
  parent: Frame | undefined;
  /** The parent's key or index where this container sits (unused at the top). */
  at: string | number;
  /** Keys seen so far in an object: a list while short (cheaper than a Set), a Set past KEY_LIST_MAX. */
  keys: string[] | Set<string> | undefined;
  key: string;
  expectKey: boolean;
  index: number;
}

/** Keys an object's duplicate check keeps in a list before it switches to a Set. */
const KEY_LIST_MAX = 16;

const QUOTE = 34;
const BACKSLASH = 92;
const MINUS = 45;
const DIGIT_0 = 48;
const DIGIT_9 = 57;

/** Characters of a JSON number after its first. */
function isNumberChar(c: number): boolean {
  return (c >= DIGIT_0 && c <= DIGIT_9) || c === 46 || c === 101 || c === 69 || c === 43 || c === MINUS;
}

/** The field path of the container `f` itself: `spec.items[0]` (walked up without recursion: nesting may be 10,000 deep). */
function containerPath(f: Frame | undefined): string {
  const chain: Frame[] = [];
  for (let x = f; x?.parent; x = x.parent) chain.push(x);
  let path = "";
  for (let k = chain.length - 1; k >= 0; k--) {
    const x = chain[k]!;
    if (!x.parent!.obj) path = `${path}[${x.at as number}]`;
    else path = path ? `${path}.${x.at as string}` : (x.at as string);
  }
  return path;
}

/** The path of the member `top` is at now: its current key or index. */
function pathOf(top: Frame | undefined): string {
  if (!top) return "";
  const path = containerPath(top);
  return top.obj ? (path ? `${path}.${top.key}` : top.key) : `${path}[${top.index}]`;
}

/** Whether `key` was seen in the object `f` before; records it. */
function seenBefore(f: Frame, key: string): boolean {
  const keys = f.keys!;
  if (Array.isArray(keys)) {
    if (keys.includes(key)) return true;
    keys.push(key);
    if (keys.length > KEY_LIST_MAX) f.keys = new Set(keys);
    return false;
  }
  if (keys.has(key)) return true;
  keys.add(key);
  return false;
}

/** Index of the quote that closes the string opening at `open` (jumping from quote to quote), or the text's length. */
function stringEnd(text: string, open: number): number {
  for (let q = text.indexOf('"', open + 1); q > 0; q = text.indexOf('"', q + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(q - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return q;
  }
  return text.length;
}

export function scanJSON(text: string, maxDepth = 10000): JSONScanResult {
  const duplicates: string[] = [];
  const inexactIntegers: InexactNumber[] = [];
  let outOfRange: string | undefined;
  let top: Frame | undefined;
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === MINUS || (c >= DIGIT_0 && c <= DIGIT_9)) {
      let j = i + 1;
      let integer = true;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        if (!isNumberChar(d)) break;
        if (d === 46 || d === 101 || d === 69) integer = false;
      }
      // Short literals are always exact and in range: only long ones are looked at.
      if (j - i > 15) {
        const literal = text.slice(i, j);
        if (!Number.isFinite(Number(literal))) outOfRange ??= literal;
        else if (integer && !isExactInteger(literal) && inexactIntegers.length < MAX_REPORTED) {
          inexactIntegers.push({ path: pathOf(top), literal });
        }
      } else if (!integer && !Number.isFinite(Number(text.slice(i, j)))) outOfRange ??= text.slice(i, j);
      i = j - 1;
      continue;
    }
    if (c === QUOTE) {
      const j = stringEnd(text, i);
      if (top !== undefined && top.expectKey) {
        const raw = text.slice(i + 1, j);
        let key = raw;
        if (raw.includes("\\")) {
          try {
            key = JSON.parse(`"${raw}"`) as string;
          } catch {
            /* invalid JSON: JSON.parse reports it */
          }
        }
        if (seenBefore(top, key)) {
          const path = containerPath(top);
          duplicates.push(path ? `${path}.${key}` : key);
        }
        top.key = key;
        top.expectKey = false;
      }
      i = j;
      continue;
    }
    switch (c) {
      case 123: // {
      case 91: {
        // [
        if (depth >= maxDepth) return { duplicates, tooDeep: true, tooDeepAt: c === 123 ? "{" : "[", inexactIntegers, outOfRange };
        const at = top === undefined ? "" : top.obj ? top.key : top.index;
        top = c === 123 ? { obj: true, parent: top, at, keys: [], key: "", expectKey: true, index: 0 } : { obj: false, parent: top, at, keys: undefined, key: "", expectKey: false, index: 0 };
        depth++;
        break;
      }
      case 125: // }
      case 93: // ]
        if (top !== undefined) {
          top = top.parent;
          depth--;
        }
        break;
      case 44: {
        // ,
        if (top !== undefined) {
          if (top.obj) top.expectKey = true;
          else top.index++;
        }
        break;
      }
    }
  }
  return { duplicates, tooDeep: false, inexactIntegers, outOfRange };
}
