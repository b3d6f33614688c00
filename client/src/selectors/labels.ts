/**
 * Label selectors with the grammar, semantics and error texts of
 * k8s.io/apimachinery/pkg/labels/selector.go (lexer + recursive-descent parser):
 * `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`, `k>1`, `k<1`,
 * comma-separated. The server parses the `labelSelector` parameter with it, the
 * client checks its options and matches its caches with it.
 */
import { isQualifiedName, isValidLabelValue, quote } from "../validation.js";

export type LabelOperator = "in" | "notin" | "=" | "==" | "!=" | "exists" | "!" | "gt" | "lt";

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  /** Sorted and without duplicates for `in`/`notin`; one value for the binary operators; none for `exists`/`!`. */
  values: string[];
}

/** labels.Selector: requirements sorted by key, all of which must match. */
export interface ParsedLabelSelector {
  requirements: LabelRequirement[];
  empty: boolean;
  matches(labels: Record<string, string> | undefined): boolean;
}

enum Tok {
  End,
  ClosedPar,
  Comma,
  DoesNotExist,
  DoubleEquals,
  Equals,
  GreaterThan,
  Identifier,
  In,
  LessThan,
  NotEquals,
  NotIn,
  OpenPar,
}

const SPECIAL = new Set(["=", "!", "(", ")", ",", ">", "<"]);
// Every special character is a symbol on its own, so the longest match always exists.
const SYMBOLS: Array<[string, Tok]> = [
  ["!=", Tok.NotEquals],
  ["==", Tok.DoubleEquals],
  ["!", Tok.DoesNotExist],
  ["(", Tok.OpenPar],
  [")", Tok.ClosedPar],
  [",", Tok.Comma],
  ["<", Tok.LessThan],
  ["=", Tok.Equals],
  [">", Tok.GreaterThan],
];

interface Item {
  tok: Tok;
  lit: string;
}

const isWhitespace = (c: string) => c === " " || c === "\t" || c === "\r" || c === "\n";

function lex(s: string): Item[] {
  const out: Item[] = [];
  let i = 0;
  for (;;) {
    while (i < s.length && isWhitespace(s[i])) i++;
    if (i >= s.length) {
      out.push({ tok: Tok.End, lit: "" });
      return out;
    }
    if (SPECIAL.has(s[i])) {
      const [lit, tok] = SYMBOLS.find(([symbol]) => s.startsWith(symbol, i))!;
      out.push({ tok, lit });
      i += lit.length;
      continue;
    }
    let j = i;
    while (j < s.length && !isWhitespace(s[j]) && !SPECIAL.has(s[j])) j++;
    const lit = s.slice(i, j);
    i = j;
    out.push({ tok: lit === "in" ? Tok.In : lit === "notin" ? Tok.NotIn : Tok.Identifier, lit });
  }
}

const BINARY_OPERATORS = "in, notin, =, ==, !=, gt, lt";

const OPERATOR_OF_TOKEN = new Map<Tok, LabelOperator>([
  [Tok.In, "in"],
  [Tok.NotIn, "notin"],
  [Tok.Equals, "="],
  [Tok.DoubleEquals, "=="],
  [Tok.NotEquals, "!="],
  [Tok.GreaterThan, "gt"],
  [Tok.LessThan, "lt"],
]);

/** Parser contexts: where values are read, the keywords `in` and `notin` are plain identifiers. */
enum Context {
  KeyAndOperator,
  Values,
}

class Parser {
  private pos = 0;
  constructor(private readonly items: Item[]) {}

  private lookahead(context: Context): Item {
    const it = this.items[this.pos];
    if (context === Context.Values && (it.tok === Tok.In || it.tok === Tok.NotIn)) return { tok: Tok.Identifier, lit: it.lit };
    return it;
  }
  private consume(context: Context): Item {
    const it = this.lookahead(context);
    if (this.pos < this.items.length - 1) this.pos++;
    return it;
  }

  parse(): LabelRequirement[] {
    const reqs: LabelRequirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead(Context.Values);
      if (tok === Tok.End) return reqs;
      if (tok !== Tok.Identifier && tok !== Tok.DoesNotExist) throw new Error(`found '${lit}', expected: !, identifier, or 'end of string'`);
      try {
        reqs.push(this.requirement());
      } catch (e) {
        throw new Error(`unable to parse requirement: ${(e as Error).message}`);
      }
      const next = this.consume(Context.Values);
      if (next.tok === Tok.End) return reqs;
      if (next.tok !== Tok.Comma) throw new Error(`found '${next.lit}', expected: ',' or 'end of string'`);
      const after = this.lookahead(Context.Values);
      if (after.tok !== Tok.Identifier && after.tok !== Tok.DoesNotExist) throw new Error(`found '${after.lit}', expected: identifier after ','`);
    }
  }

  private requirement(): LabelRequirement {
    let negated = false;
    let it = this.consume(Context.Values);
    if (it.tok === Tok.DoesNotExist) {
      negated = true;
      it = this.consume(Context.Values);
    }
    if (it.tok !== Tok.Identifier) throw new Error(`found '${it.lit}', expected: identifier`);
    const key = it.lit;
    const keyErrs = isQualifiedName(key);
    // kube's parser validates the key against a nil field path, hence `<nil>`
    if (keyErrs.length) throw new Error(`<nil>: Invalid value: ${quote(key)}: ${keyErrs.join("; ")}`);
    // `!key` ends the requirement whatever follows: the caller then expects ',' or the end
    if (negated) return { key, operator: "!", values: [] };
    const next = this.lookahead(Context.Values).tok;
    if (next === Tok.End || next === Tok.Comma) return { key, operator: "exists", values: [] };
    const opItem = this.consume(Context.KeyAndOperator);
    const op = OPERATOR_OF_TOKEN.get(opItem.tok);
    if (!op) throw new Error(`found '${opItem.lit}', expected: ${BINARY_OPERATORS}`);
    const values = op === "in" || op === "notin" ? this.setValues() : this.exactValue();
    return newRequirement(key, op, values);
  }

  /** `(a,b)`: a set, so sorted and without duplicates; `()` is the set of the empty string. */
  private setValues(): string[] {
    const open = this.consume(Context.Values);
    if (open.tok !== Tok.OpenPar) throw new Error(`found '${open.lit}' expected: '('`);
    const next = this.lookahead(Context.Values);
    if (next.tok === Tok.ClosedPar) {
      this.consume(Context.Values);
      return [""];
    }
    if (next.tok !== Tok.Identifier && next.tok !== Tok.Comma) throw new Error(`found '${next.lit}', expected: ',', ')' or identifier`);
    const values = this.identifierList();
    this.consume(Context.Values); // the ')' identifierList stopped at
    return [...values].sort();
  }

  /** A possibly empty list of possibly empty identifiers: `(,a,,b,)` holds "", "a" and "b". */
  private identifierList(): Set<string> {
    const s = new Set<string>();
    for (;;) {
      const it = this.consume(Context.Values);
      if (it.tok === Tok.Identifier) {
        s.add(it.lit);
        const next = this.lookahead(Context.Values);
        if (next.tok === Tok.Comma) continue;
        if (next.tok === Tok.ClosedPar) return s;
        throw new Error(`found '${next.lit}', expected: ',' or ')'`);
      }
      if (it.tok !== Tok.Comma) throw new Error(`found '${it.lit}', expected: ',', or identifier`);
      if (s.size === 0) s.add("");
      const next = this.lookahead(Context.Values).tok;
      if (next === Tok.ClosedPar) {
        s.add("");
        return s;
      }
      if (next === Tok.Comma) s.add("");
    }
  }

  private exactValue(): string[] {
    const next = this.lookahead(Context.Values).tok;
    if (next === Tok.End || next === Tok.Comma) return [""];
    const it = this.consume(Context.Values);
    if (it.tok === Tok.Identifier) return [it.lit];
    throw new Error(`found '${it.lit}', expected: identifier`);
  }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** strconv.ParseInt(s, 10, 64): an optional sign, decimal digits, within int64. */
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
}

/**
 * labels.NewRequirement's value checks (the parser already guarantees the arity).
 * Every failure is reported, joined as kube's utilerrors.Aggregate prints them.
 */
function newRequirement(key: string, operator: LabelOperator, values: string[]): LabelRequirement {
  const errs: string[] = [];
  if (operator === "gt" || operator === "lt") {
    values.forEach((v, i) => {
      if (parseInt64(v) === undefined) errs.push(`values[${i}]: Invalid value: ${quote(v)}: for 'Gt', 'Lt' operators, the value must be an integer`);
    });
  }
  values.forEach((v, i) => {
    const valueErrs = isValidLabelValue(v);
    if (valueErrs.length) errs.push(`values[${i}][${key}]: Invalid value: ${quote(v)}: ${valueErrs.join("; ")}`);
  });
  if (errs.length) throw new Error(aggregate(errs));
  return { key, operator, values };
}

/** utilerrors.Aggregate's Error(): one message alone, several deduplicated in brackets. */
function aggregate(messages: string[]): string {
  const unique = [...new Set(messages)];
  return unique.length === 1 ? unique[0] : `[${unique.join(", ")}]`;
}

function matchRequirement(r: LabelRequirement, labels: Record<string, string> | undefined): boolean {
  const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = has ? labels![r.key] : undefined;
  switch (r.operator) {
    case "=":
    case "==":
    case "in":
      return has && r.values.includes(value!);
    case "!=":
    case "notin":
      return !has || !r.values.includes(value!);
    case "exists":
      return has;
    case "!":
      return !has;
    case "gt":
    case "lt": {
      const actual = has ? parseInt64(value!) : undefined;
      const bound = parseInt64(r.values[0]);
      if (actual === undefined || bound === undefined) return false;
      return r.operator === "gt" ? actual > bound : actual < bound;
    }
  }
}

/** labels.Parse. Throws an Error with kube's message on invalid input. */
export function parseLabelSelector(selector: string): ParsedLabelSelector {
  // kube sorts requirements by key
  const requirements = new Parser(lex(selector)).parse().sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    requirements,
    empty: requirements.length === 0,
    matches: (labels) => requirements.every((r) => matchRequirement(r, labels)),
  };
}
