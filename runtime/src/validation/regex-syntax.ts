/**
 * The part of RE2's syntax (Go's regexp/syntax with its default Perl flags) that patterns
 * use in practice, parsed into a tree for regex-dfa.ts: literals, classes with Perl
 * escapes, groups, alternation, repetition, and `^`/`$`. Anything else throws
 * Unsupported, and the caller keeps RE2 for that pattern.
 */

/** Inclusive code point range. */
export type Range = readonly [number, number];

export type Node =
  | { kind: "set"; ranges: Range[] }
  | { kind: "cat"; items: Node[] }
  | { kind: "alt"; items: Node[] }
  | { kind: "repeat"; node: Node; min: number; max: number }
  | { kind: "begin" }
  | { kind: "end" };

export const MAX_CODE_POINT = 0x10ffff;
/** Bound on {n,m}; RE2's is 1000, and a pattern beyond this stays with RE2. */
const MAX_REPEAT = 100;

/** Syntax (or a size) this parser and the automaton leave to RE2. */
export class Unsupported extends Error {}

const DIGIT: Range[] = [[0x30, 0x39]];
const WORD: Range[] = [
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x5f, 0x5f],
  [0x61, 0x7a],
];
const SPACE: Range[] = [
  [0x09, 0x0a],
  [0x0c, 0x0d],
  [0x20, 0x20],
];
const ANY_BUT_NEWLINE: Range[] = [
  [0, 0x09],
  [0x0b, MAX_CODE_POINT],
];

function normalize(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

function negate(ranges: Range[]): Range[] {
  const out: Range[] = [];
  let next = 0;
  for (const [lo, hi] of normalize(ranges)) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX_CODE_POINT) out.push([next, MAX_CODE_POINT]);
  return out;
}

export function parse(pattern: string): Node {
  let pos = 0;
  const peek = () => pattern[pos];
  const more = () => pos < pattern.length;

  const codePoint = (): number => {
    const c = pattern.codePointAt(pos)!;
    pos += c > 0xffff ? 2 : 1;
    return c;
  };

  /** \d \D \w \W \s \S, or undefined (pos unchanged) when the escape is not one. */
  const perlClass = (): Range[] | undefined => {
    if (peek() !== "\\") return undefined;
    const c = pattern[pos + 1];
    const base = c === "d" || c === "D" ? DIGIT : c === "w" || c === "W" ? WORD : c === "s" || c === "S" ? SPACE : undefined;
    if (!base) return undefined;
    pos += 2;
    return c === c!.toUpperCase() ? negate(base) : base;
  };

  /** One escaped character after `\` (Go's parseEscape, less octal, \p and the assertions). */
  const escape = (): number => {
    pos++; // the backslash
    if (!more()) throw new Unsupported();
    const c = codePoint();
    if (c < 0x80 && !/[0-9A-Za-z]/.test(String.fromCharCode(c))) return c; // escaped punctuation is itself
    switch (String.fromCharCode(c)) {
      case "a":
        return 7;
      case "f":
        return 12;
      case "n":
        return 10;
      case "r":
        return 13;
      case "t":
        return 9;
      case "v":
        return 11;
      case "x": {
        const m = /^(?:\{([0-9A-Fa-f]{1,6})\}|([0-9A-Fa-f]{2}))/.exec(pattern.slice(pos));
        if (!m) throw new Unsupported();
        pos += m[0].length;
        const v = parseInt(m[1] ?? m[2]!, 16);
        if (v > MAX_CODE_POINT) throw new Unsupported();
        return v;
      }
      default:
        throw new Unsupported(); // octal, \p, \b, \A, \z, \Q, \C: left to RE2
    }
  };

  const classChar = (): number => (peek() === "\\" ? escape() : codePoint());

  const charClass = (): Node => {
    pos++; // [
    let negated = false;
    if (peek() === "^") {
      negated = true;
      pos++;
    }
    const ranges: Range[] = [];
    let first = true;
    while (more() && (peek() !== "]" || first)) {
      first = false;
      if (peek() === "[" && pattern[pos + 1] === ":") throw new Unsupported(); // POSIX classes
      const perl = perlClass();
      if (perl) {
        ranges.push(...perl);
        continue;
      }
      const lo = classChar();
      let hi = lo;
      if (peek() === "-" && pattern[pos + 1] !== undefined && pattern[pos + 1] !== "]") {
        pos++;
        hi = classChar();
        if (hi < lo) throw new Unsupported();
      }
      ranges.push([lo, hi]);
    }
    if (!more()) throw new Unsupported(); // missing ]
    pos++; // ]
    return { kind: "set", ranges: negated ? negate(ranges) : normalize(ranges) };
  };

  const atom = (): Node => {
    const c = peek()!;
    switch (c) {
      case "(": {
        pos++;
        if (peek() === "?") {
          if (pattern[pos + 1] !== ":") throw new Unsupported(); // flags and named groups
          pos += 2;
        }
        const inner = alternation();
        if (peek() !== ")") throw new Unsupported();
        pos++;
        return inner;
      }
      case "[":
        return charClass();
      case ".":
        pos++;
        return { kind: "set", ranges: ANY_BUT_NEWLINE };
      case "^":
        pos++;
        return { kind: "begin" };
      case "$":
        pos++;
        return { kind: "end" };
      case "\\": {
        const perl = perlClass();
        if (perl) return { kind: "set", ranges: perl };
        const e = escape();
        return { kind: "set", ranges: [[e, e]] };
      }
      case ")":
      case "*":
      case "+":
      case "?":
      case "{":
        throw new Unsupported();
      default: {
        const v = codePoint();
        return { kind: "set", ranges: [[v, v]] };
      }
    }
  };

  const repetition = (): Node => {
    let node = atom();
    let repeated = false;
    for (;;) {
      const c = peek();
      let min: number;
      let max: number;
      if (c === "*") [min, max] = [0, Infinity];
      else if (c === "+") [min, max] = [1, Infinity];
      else if (c === "?") [min, max] = [0, 1];
      else if (c === "{") {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(pos));
        if (!m) throw new Unsupported(); // RE2 reads a { that is not a repeat as itself; rare, left to it
        min = Number(m[1]);
        max = m[2] === undefined ? min : m[3] === "" ? Infinity : Number(m[3]);
        if (min > MAX_REPEAT || (max !== Infinity && (max > MAX_REPEAT || max < min))) throw new Unsupported();
        pos += m[0].length - 1;
      } else return node;
      // RE2 refuses a repeat of a repeat (a**); refuse it here too and let RE2 say so.
      if (repeated || node.kind === "begin" || node.kind === "end") throw new Unsupported();
      pos++;
      if (peek() === "?") pos++; // non-greedy: the same language
      node = { kind: "repeat", node, min, max };
      repeated = true;
    }
  };

  const concatenation = (): Node => {
    const items: Node[] = [];
    while (more() && peek() !== "|" && peek() !== ")") items.push(repetition());
    return items.length === 1 ? items[0]! : { kind: "cat", items };
  };

  function alternation(): Node {
    const items = [concatenation()];
    while (peek() === "|") {
      pos++;
      items.push(concatenation());
    }
    return items.length === 1 ? items[0]! : { kind: "alt", items };
  }

  const root = alternation();
  if (more()) throw new Unsupported(); // an unmatched )
  return root;
}
