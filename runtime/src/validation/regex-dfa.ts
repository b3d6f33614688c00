/**
 * A deterministic automaton for the part of RE2's syntax that `pattern`s use (literals,
 * classes, groups, alternation, repetition, `^` at the start and `$` at the end), built
 * once per pattern: a test is one table step per character, linear in the input as RE2
 * is, and many times faster than @bufbuild/re2's general engine on the short strings a
 * pattern checks. Anything outside that part, or an automaton above a size bound, gives
 * undefined and the caller keeps RE2. The semantics are RE2's with Go's default (Perl)
 * flags: `.` is any character but \n, a negated class matches \n, \d \w \s are ASCII
 * (\s is [\t\n\f\r ]), `^` and `$` are the beginning and end of the text.
 */

/** Inclusive code point range. */
type Range = readonly [number, number];

type Node =
  | { kind: "set"; ranges: Range[] }
  | { kind: "cat"; items: Node[] }
  | { kind: "alt"; items: Node[] }
  | { kind: "repeat"; node: Node; min: number; max: number }
  | { kind: "begin" }
  | { kind: "end" };

const MAX_CODE_POINT = 0x10ffff;
/** Bounds that keep building cheap; a pattern beyond them stays with RE2. */
const MAX_NFA_STATES = 2000;
const MAX_DFA_STATES = 400;
const MAX_REPEAT = 100;

class Unsupported extends Error {}

export interface RegexTester {
  test(s: string): boolean;
}

/** The automaton for `pattern`, or undefined when it uses syntax this builder leaves to RE2. */
export function compileRegexDfa(pattern: string): RegexTester | undefined {
  try {
    return buildDfa(parse(pattern));
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
}

// ---- parsing (Go's regexp/syntax with the Perl flags, for the supported part) ----

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

function parse(pattern: string): Node {
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

// ---- automata ----

interface Anchored {
  body: Node;
  atStart: boolean;
  atEnd: boolean;
}

/** `^` only at the very start and `$` only at the very end (where every pattern here has them). */
function anchors(root: Node): Anchored {
  const items = root.kind === "cat" ? [...root.items] : [root];
  let atStart = false;
  let atEnd = false;
  while (items[0]?.kind === "begin") {
    items.shift();
    atStart = true;
  }
  while (items[items.length - 1]?.kind === "end") {
    items.pop();
    atEnd = true;
  }
  const body: Node = { kind: "cat", items };
  const hasAssertion = (n: Node): boolean =>
    n.kind === "begin" || n.kind === "end" || ((n.kind === "cat" || n.kind === "alt") && n.items.some(hasAssertion)) || (n.kind === "repeat" && hasAssertion(n.node));
  if (hasAssertion(body)) throw new Unsupported();
  return { body, atStart, atEnd };
}

/** Thompson automaton: state i reads a class (`sets[i]`, then goes to `next[i]`), or is a split to `next[i]` and `alt[i]` (-1: none), or is the match. */
interface Nfa {
  sets: (Range[] | undefined)[];
  next: number[];
  alt: number[];
  start: number;
  match: number;
}

function buildNfa(body: Node): Nfa {
  const sets: (Range[] | undefined)[] = [];
  const next: number[] = [];
  const alt: number[] = [];
  const state = (set?: Range[]): number => {
    if (sets.length >= MAX_NFA_STATES) throw new Unsupported();
    sets.push(set);
    next.push(-1);
    alt.push(-1);
    return sets.length - 1;
  };
  // A fragment: its entry state and the states whose `next` (or `alt`) is still open.
  type Hole = { s: number; viaAlt: boolean };
  interface Frag {
    start: number;
    holes: Hole[];
  }
  const patch = (holes: Hole[], to: number) => {
    for (const h of holes) (h.viaAlt ? alt : next)[h.s] = to;
  };
  const empty = (): Frag => {
    const s = state();
    return { start: s, holes: [{ s, viaAlt: false }] };
  };
  const build = (n: Node): Frag => {
    switch (n.kind) {
      case "set": {
        const s = state(n.ranges);
        return { start: s, holes: [{ s, viaAlt: false }] };
      }
      case "cat": {
        if (n.items.length === 0) return empty();
        const frags = n.items.map(build);
        for (let i = 0; i + 1 < frags.length; i++) patch(frags[i]!.holes, frags[i + 1]!.start);
        return { start: frags[0]!.start, holes: frags[frags.length - 1]!.holes };
      }
      case "alt": {
        const frags = n.items.map(build);
        let start = frags[frags.length - 1]!.start;
        for (let i = frags.length - 2; i >= 0; i--) {
          const split = state();
          next[split] = frags[i]!.start;
          alt[split] = start;
          start = split;
        }
        return { start, holes: frags.flatMap((f) => f.holes) };
      }
      case "repeat": {
        const parts: Frag[] = [];
        for (let i = 0; i < n.min; i++) parts.push(build(n.node));
        if (n.max === Infinity) {
          const split = state();
          const inner = build(n.node);
          next[split] = inner.start;
          patch(inner.holes, split);
          parts.push({ start: split, holes: [{ s: split, viaAlt: true }] });
        } else {
          for (let i = n.min; i < n.max; i++) {
            const split = state();
            const inner = build(n.node);
            next[split] = inner.start;
            parts.push({ start: split, holes: [...inner.holes, { s: split, viaAlt: true }] });
          }
        }
        if (parts.length === 0) return empty();
        for (let i = 0; i + 1 < parts.length; i++) patch(parts[i]!.holes, parts[i + 1]!.start);
        return { start: parts[0]!.start, holes: parts[parts.length - 1]!.holes };
      }
      default:
        throw new Unsupported();
    }
  };
  const frag = build(body);
  const match = state();
  patch(frag.holes, match);
  return { sets, next, alt, start: frag.start, match };
}

/** Code points split into intervals that every class of the automaton holds whole. */
function alphabet(nfa: Nfa): { starts: number[]; ascii: Uint16Array } {
  const points = new Set<number>([0]);
  for (const set of nfa.sets) {
    for (const [lo, hi] of set ?? []) {
      points.add(lo);
      if (hi < MAX_CODE_POINT) points.add(hi + 1);
    }
  }
  const starts = [...points].sort((a, b) => a - b);
  const ascii = new Uint16Array(128);
  for (let c = 0, k = 0; c < 128; c++) {
    while (k + 1 < starts.length && starts[k + 1]! <= c) k++;
    ascii[c] = k;
  }
  return { starts, ascii };
}

function buildDfa(root: Node): RegexTester {
  const { body, atStart, atEnd } = anchors(root);
  const nfa = buildNfa(body);
  const { starts, ascii } = alphabet(nfa);
  const classes = starts.length;
  // Which interval each reading state accepts.
  const reads = nfa.sets.map((set) => {
    if (!set) return undefined;
    const ok = new Uint8Array(classes);
    for (let k = 0; k < classes; k++) {
      const c = starts[k]!;
      ok[k] = set.some(([lo, hi]) => lo <= c && c <= hi) ? 1 : 0;
    }
    return ok;
  });
  const closure = (seeds: number[]): number[] => {
    const seen = new Set<number>();
    const stack = [...seeds];
    while (stack.length > 0) {
      const s = stack.pop()!;
      if (s < 0 || seen.has(s)) continue;
      seen.add(s);
      if (!nfa.sets[s] && s !== nfa.match) {
        stack.push(nfa.next[s]!, nfa.alt[s]!);
      }
    }
    return [...seen].filter((s) => nfa.sets[s] !== undefined || s === nfa.match).sort((a, b) => a - b);
  };
  const startSet = closure([nfa.start]);
  // Without `^` a match may begin anywhere: every state also holds the start.
  const withStart = (states: number[]) => (atStart ? states : [...new Set([...states, ...startSet])].sort((a, b) => a - b));
  const ids = new Map<string, number>();
  const sets: number[][] = [];
  const add = (states: number[]): number => {
    const key = states.join(",");
    let id = ids.get(key);
    if (id === undefined) {
      if (sets.length >= MAX_DFA_STATES) throw new Unsupported();
      id = sets.length;
      ids.set(key, id);
      sets.push(states);
    }
    return id;
  };
  add(startSet);
  const transitions: number[] = [];
  for (let d = 0; d < sets.length; d++) {
    const states = sets[d]!;
    for (let k = 0; k < classes; k++) {
      const seeds: number[] = [];
      for (const s of states) if (reads[s]?.[k]) seeds.push(nfa.next[s]!);
      const target = withStart(closure(seeds));
      transitions[d * classes + k] = target.length === 0 ? -1 : add(target);
    }
  }
  const table = Int32Array.from(transitions);
  const accepting = Uint8Array.from(sets, (states) => (states.includes(nfa.match) ? 1 : 0));
  const classOf = (c: number): number => {
    let lo = 0;
    let hi = classes - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= c) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  return {
    test(s: string): boolean {
      let d = 0;
      if (!atEnd && accepting[0]) return true;
      for (let i = 0; i < s.length; i++) {
        let c = s.charCodeAt(i);
        if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
          const low = s.charCodeAt(i + 1);
          if (low >= 0xdc00 && low <= 0xdfff) {
            c = (c - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
            i++;
          }
        }
        d = table[d * classes + (c < 128 ? ascii[c]! : classOf(c))]!;
        if (d < 0) return false;
        if (!atEnd && accepting[d]) return true;
      }
      return accepting[d] === 1;
    },
  };
}
