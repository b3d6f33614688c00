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

interface Frame {
  obj: boolean;
  path: string;
  keys?: Set<string>;
  key: string;
  expectKey: boolean;
  index: number;
}

const QUOTE = 34;
const BACKSLASH = 92;
const MINUS = 45;
const DIGIT_0 = 48;
const DIGIT_9 = 57;

/** Characters of a JSON number after its first. */
function isNumberChar(c: number): boolean {
  return (c >= DIGIT_0 && c <= DIGIT_9) || c === 46 || c === 101 || c === 69 || c === 43 || c === MINUS;
}

function pathOf(top: Frame | undefined): string {
  if (!top) return "";
  return top.obj ? (top.path ? `${top.path}.${top.key}` : top.key) : `${top.path}[${top.index}]`;
}

export function scanJSON(text: string, maxDepth = 10000): JSONScanResult {
  const duplicates: string[] = [];
  const inexactIntegers: InexactNumber[] = [];
  let outOfRange: string | undefined;
  const stack: Frame[] = [];
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
          inexactIntegers.push({ path: pathOf(stack[stack.length - 1]), literal });
        }
      } else if (!integer && !Number.isFinite(Number(text.slice(i, j)))) outOfRange ??= text.slice(i, j);
      i = j - 1;
      continue;
    }
    if (c === QUOTE) {
      let j = i + 1;
      let escaped = false;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        if (d === BACKSLASH) {
          escaped = true;
          j++;
        } else if (d === QUOTE) break;
      }
      const top = stack[stack.length - 1];
      if (top && top.obj && top.expectKey) {
        const raw = text.slice(i + 1, j);
        let key = raw;
        if (escaped) {
          try {
            key = JSON.parse(`"${raw}"`) as string;
          } catch {
            /* invalid JSON: JSON.parse reports it */
          }
        }
        if (top.keys!.has(key)) duplicates.push(top.path ? `${top.path}.${key}` : key);
        top.keys!.add(key);
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
        const path = pathOf(stack[stack.length - 1]);
        if (stack.length >= maxDepth) return { duplicates, tooDeep: true, tooDeepAt: c === 123 ? "{" : "[", inexactIntegers, outOfRange };
        stack.push(c === 123 ? { obj: true, path, keys: new Set(), key: "", expectKey: true, index: 0 } : { obj: false, path, key: "", expectKey: false, index: 0 });
        break;
      }
      case 125: // }
      case 93: // ]
        stack.pop();
        break;
      case 44: {
        // ,
        const top = stack[stack.length - 1];
        if (top) {
          if (top.obj) top.expectKey = true;
          else top.index++;
        }
        break;
      }
    }
  }
  return { duplicates, tooDeep: false, inexactIntegers, outOfRange };
}
