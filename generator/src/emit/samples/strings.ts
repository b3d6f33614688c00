/**
 * Candidate strings for a schema's string: from its pattern (a small generator
 * over the regular-expression syntax definitions use), its format, and a few
 * plain words. Callers keep the candidates that pass every check; a pattern
 * this cannot read (lookaround, back-references) yields none of its own.
 */
import { RE2JS } from "@bufbuild/re2";

/** Values each Kubernetes string format accepts (runtime/src/validation/formats.ts checks them). */
const FORMAT_SAMPLES: Record<string, string> = {
  bsonobjectid: "5f8d0d55b54764421b7156c9",
  uri: "https://example.com/",
  email: "user@example.com",
  hostname: "example.com",
  ipv4: "192.0.2.1",
  ipv6: "2001:db8::1",
  cidr: "192.0.2.0/24",
  mac: "00:00:5e:00:53:01",
  uuid: "123e4567-e89b-42d3-a456-426614174000",
  uuid3: "a3bb189e-8bf9-3888-9912-ace4e6543002",
  uuid4: "123e4567-e89b-42d3-a456-426614174000",
  uuid5: "886313e1-3b8a-5372-9b90-0c9aee199e5d",
  isbn: "0306406152",
  isbn10: "0306406152",
  isbn13: "9780306406157",
  creditcard: "4111 1111 1111 1111",
  ssn: "123-45-6789",
  hexcolor: "#336699",
  rgbcolor: "rgb(51, 102, 153)",
  byte: "ZXhhbXBsZQ==",
  password: "example",
  date: "2024-01-01",
  duration: "1h",
  datetime: "2024-01-01T00:00:00Z",
  "date-time": "2024-01-01T00:00:00Z",
};

const WORDS = ["example", "a", "1", "example-1", "1s", "EXAMPLE", "/example", "https://example.com/", "1.0.0"];

/** Candidates for a string with these constraints, best first; each still has to be checked. */
export function stringCandidates(c: { pattern?: string; format?: string; minLength?: number; maxLength?: number }): string[] {
  const out: string[] = [];
  // The format's own value first: a string made for the pattern alone may not be of the format.
  if (c.format && FORMAT_SAMPLES[c.format]) out.push(FORMAT_SAMPLES[c.format]!);
  if (c.pattern) out.push(...patternSamples(c.pattern));
  const min = c.minLength ?? 0;
  const max = c.maxLength ?? Infinity;
  for (const w of WORDS) out.push(w.length >= min ? w : w + "x".repeat(min - w.length));
  return [...new Set(out)].filter((s) => [...s].length >= min && [...s].length <= max);
}

/** True when `s` matches the pattern as kube-apiserver matches it (RE2, unanchored); false when it does not or does not compile. */
export function matchesPattern(pattern: string, s: string): boolean {
  let re = compiled.get(pattern);
  if (re === undefined) {
    try {
      re = new RE2JS(pattern);
    } catch {
      re = null;
    }
    compiled.set(pattern, re);
  }
  return re !== null && re.test(s);
}

const compiled = new Map<string, RE2JS | null>();

type Node =
  | { t: "text"; s: string }
  | { t: "seq"; items: Node[] }
  | { t: "alt"; options: Node[] }
  | { t: "repeat"; node: Node; min: number; max: number };

/** Strings the pattern matches, from the shortest reading up: more repetitions, other alternatives. */
export function patternSamples(pattern: string): string[] {
  let tree: Node;
  try {
    tree = new PatternParser(pattern).parse();
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const branch of ["first", "last"] as const)
    for (const extra of [0, 1, 2, 3, 5, 8, 16, 32, 64]) {
      const s = render(tree, extra, branch);
      if (matchesPattern(pattern, s)) out.push(s);
    }
  return [...new Set(out)];
}

function render(n: Node, extra: number, branch: "first" | "last"): string {
  switch (n.t) {
    case "text":
      return n.s;
    case "seq":
      return n.items.map((i) => render(i, extra, branch)).join("");
    case "alt":
      return render(branch === "first" ? n.options[0]! : n.options[n.options.length - 1]!, extra, branch);
    case "repeat":
      return render(n.node, extra, branch).repeat(Math.min(n.max, n.min + extra));
  }
}

/** Characters a class or wildcard stands for, in the order a reader would find natural. */
const PREFERRED = [..."abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-_.:/ "];

class PatternParser {
  private i = 0;
  constructor(private readonly src: string) {}

  parse(): Node {
    const n = this.alternation();
    if (this.i < this.src.length) throw new Error("unbalanced )");
    return n;
  }

  private alternation(): Node {
    const options = [this.sequence()];
    while (this.src[this.i] === "|") {
      this.i++;
      options.push(this.sequence());
    }
    return options.length === 1 ? options[0]! : { t: "alt", options };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.i < this.src.length && this.src[this.i] !== "|" && this.src[this.i] !== ")") items.push(this.quantified(this.atom()));
    return { t: "seq", items };
  }

  private quantified(node: Node): Node {
    const ch = this.src[this.i];
    let min: number;
    let max: number;
    if (ch === "?") [min, max] = [0, 1];
    else if (ch === "*") [min, max] = [0, Infinity];
    else if (ch === "+") [min, max] = [1, Infinity];
    else if (ch === "{" && /^\{\d+(,\d*)?\}/.test(this.src.slice(this.i))) {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i))!;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === "" ? Infinity : Number(m[3]);
      this.i += m[0].length - 1;
    } else return node;
    this.i++;
    if (this.src[this.i] === "?") this.i++; // lazy: the same strings match
    return this.quantified({ t: "repeat", node, min, max });
  }

  private atom(): Node {
    const ch = this.src[this.i++]!;
    switch (ch) {
      case "^":
      case "$":
        return { t: "text", s: "" };
      case ".":
        return { t: "text", s: "a" };
      case "(": {
        if (this.src[this.i] === "?") {
          if (this.src[this.i + 1] === ":") this.i += 2;
          else if (this.src[this.i + 1] === "P" || (this.src[this.i + 1] === "<" && /[A-Za-z]/.test(this.src[this.i + 2] ?? ""))) {
            this.i = this.src.indexOf(">", this.i) + 1; // named group
            if (this.i === 0) throw new Error("bad group name");
          } else throw new Error("lookaround or flags");
        }
        const inner = this.alternation();
        if (this.src[this.i++] !== ")") throw new Error("missing )");
        return inner;
      }
      case "[":
        return { t: "text", s: this.charClass() };
      case "\\":
        return { t: "text", s: this.escape(false) };
      default:
        return { t: "text", s: ch };
    }
  }

  /** A character in the class: the first preferred one it holds. */
  private charClass(): string {
    const negated = this.src[this.i] === "^";
    if (negated) this.i++;
    const ranges: Array<[number, number]> = [];
    let first = true;
    while (this.i < this.src.length && (this.src[this.i] !== "]" || first)) {
      first = false;
      const lo = this.classChar();
      if (this.src[this.i] === "-" && this.src[this.i + 1] !== "]" && this.i + 1 < this.src.length) {
        this.i++;
        const hi = this.classChar();
        ranges.push([lo.codePointAt(0)!, hi.codePointAt(0)!]);
      } else if (lo.length === 1 || [...lo].length === 1) ranges.push([lo.codePointAt(0)!, lo.codePointAt(0)!]);
      else for (const c of lo) ranges.push([c.codePointAt(0)!, c.codePointAt(0)!]);
    }
    if (this.src[this.i++] !== "]") throw new Error("missing ]");
    const inClass = (c: string) => ranges.some(([lo, hi]) => c.codePointAt(0)! >= lo && c.codePointAt(0)! <= hi);
    const pick = PREFERRED.find((c) => inClass(c) !== negated);
    if (pick !== undefined) return pick;
    if (!negated && ranges.length) return String.fromCodePoint(ranges[0]![0]);
    throw new Error("empty class");
  }

  /** One character of a class; a class escape (\d, \w) stands for a few representatives. */
  private classChar(): string {
    const ch = this.src[this.i++]!;
    return ch === "\\" ? this.escape(true) : ch;
  }

  private escape(inClass: boolean): string {
    const ch = this.src[this.i++];
    if (ch === undefined) throw new Error("trailing \\");
    switch (ch) {
      case "d":
        return inClass ? "0123456789" : "0";
      case "w":
        return inClass ? "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_" : "a";
      case "s":
        return " ";
      case "D":
      case "S":
        return "a";
      case "W":
        return "-";
      case "n":
        return "\n";
      case "t":
        return "\t";
      case "b":
      case "B":
      case "A":
      case "z":
        if (inClass) throw new Error("assertion in a class");
        return ""; // assertions; the final check tells whether the sample still matches
      case "x": {
        const m = /^([0-9a-fA-F]{2}|\{[0-9a-fA-F]+\})/.exec(this.src.slice(this.i));
        if (!m) throw new Error("bad \\x");
        this.i += m[0].length;
        return String.fromCodePoint(parseInt(m[0].replace(/[{}]/g, ""), 16));
      }
      case "u": {
        const m = /^([0-9a-fA-F]{4}|\{[0-9a-fA-F]+\})/.exec(this.src.slice(this.i));
        if (!m) throw new Error("bad \\u");
        this.i += m[0].length;
        return String.fromCodePoint(parseInt(m[0].replace(/[{}]/g, ""), 16));
      }
      default:
        if (/[1-9pPk]/.test(ch)) throw new Error("back-reference or property class");
        return ch;
    }
  }
}
