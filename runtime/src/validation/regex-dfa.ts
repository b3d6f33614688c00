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
import { MAX_CODE_POINT, parse, Unsupported, type Node, type Range } from "./regex-syntax.js";

/** Bounds that keep building cheap; a pattern beyond them stays with RE2. */
const MAX_NFA_STATES = 2000;
const MAX_DFA_STATES = 400;

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
