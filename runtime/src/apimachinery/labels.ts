/**
 * Label selectors with the grammar, semantics and error texts of
 * k8s.io/apimachinery/pkg/labels/selector.go (lexer + recursive-descent parser).
 */
import { isQualifiedName, isValidLabelValue, quote } from "./validation.js";

export type LabelOperator = "in" | "notin" | "=" | "==" | "!=" | "exists" | "!" | "gt" | "lt";

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

export interface LabelSelector {
  requirements: LabelRequirement[];
  empty: boolean;
  matches(labels: Record<string, string> | undefined): boolean;
  toString(): string;
}

enum Tok {
  Error,
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

function lex(s: string): Item[] {
  const out: Item[] = [];
  let i = 0;
  const isWs = (c: string) => c === " " || c === "\t" || c === "\r" || c === "\n";
  for (;;) {
    while (i < s.length && isWs(s[i])) i++;
    if (i >= s.length) {
      out.push({ tok: Tok.End, lit: "" });
      return out;
    }
    const c = s[i];
    if (SPECIAL.has(c)) {
      // longest match among the known symbols
      const sym = SYMBOLS.find(([t]) => s.startsWith(t, i));
      if (!sym) {
        let j = i;
        while (j < s.length && SPECIAL.has(s[j])) j++;
        out.push({ tok: Tok.Error, lit: s.slice(i, j) });
        i = j;
        continue;
      }
      out.push({ tok: sym[1], lit: sym[0] });
      i += sym[0].length;
      continue;
    }
    let j = i;
    while (j < s.length && !isWs(s[j]) && !SPECIAL.has(s[j])) j++;
    const lit = s.slice(i, j);
    i = j;
    out.push({ tok: lit === "in" ? Tok.In : lit === "notin" ? Tok.NotIn : Tok.Identifier, lit });
  }
}

const BINARY_OPERATORS = "in, notin, =, ==, !=, gt, lt";

class Parser {
  private pos = 0;
  constructor(private readonly items: Item[]) {}

  /** In the Values context keywords are plain identifiers. */
  private look(values: boolean): Item {
    const it = this.items[this.pos];
    if (values && (it.tok === Tok.In || it.tok === Tok.NotIn)) return { tok: Tok.Identifier, lit: it.lit };
    return it;
  }
  private take(values: boolean): Item {
    const it = this.look(values);
    if (this.pos < this.items.length - 1) this.pos++;
    return it;
  }

  parse(): LabelRequirement[] {
    const reqs: LabelRequirement[] = [];
    for (;;) {
      const { tok, lit } = this.look(true);
      if (tok === Tok.Identifier || tok === Tok.DoesNotExist) {
        let r: LabelRequirement;
        try {
          r = this.requirement();
        } catch (e) {
          throw new Error(`unable to parse requirement: ${(e as Error).message}`);
        }
        reqs.push(r);
        const next = this.take(true);
        if (next.tok === Tok.End) return reqs;
        if (next.tok === Tok.Comma) {
          const after = this.look(true);
          if (after.tok !== Tok.Identifier && after.tok !== Tok.DoesNotExist) {
            throw new Error(`found '${after.lit}', expected: identifier after ','`);
          }
          continue;
        }
        throw new Error(`found '${next.lit}', expected: ',' or 'end of string'`);
      }
      if (tok === Tok.End) return reqs;
      throw new Error(`found '${lit}', expected: !, identifier, or 'end of string'`);
    }
  }

  private requirement(): LabelRequirement {
    let op: LabelOperator | undefined;
    let it = this.take(true);
    if (it.tok === Tok.DoesNotExist) {
      op = "!";
      it = this.take(true);
    }
    if (it.tok !== Tok.Identifier) throw new Error(`found '${it.lit}', expected: identifier`);
    const key = it.lit;
    const keyErrs = isQualifiedName(key);
    if (keyErrs.length) throw new Error(`key: Invalid value: ${quote(key)}: ${keyErrs.join("; ")}`);
    const la = this.look(true).tok;
    if (la === Tok.End || la === Tok.Comma) {
      return newRequirement(key, op ?? "exists", []);
    }
    if (op === "!") {
      // `!key` must be followed by ',' or the end
      const t = this.take(false);
      throw new Error(`found '${t.lit}', expected: ${BINARY_OPERATORS}`);
    }
    const opItem = this.take(false);
    switch (opItem.tok) {
      case Tok.In:
        op = "in";
        break;
      case Tok.NotIn:
        op = "notin";
        break;
      case Tok.Equals:
        op = "=";
        break;
      case Tok.DoubleEquals:
        op = "==";
        break;
      case Tok.NotEquals:
        op = "!=";
        break;
      case Tok.GreaterThan:
        op = "gt";
        break;
      case Tok.LessThan:
        op = "lt";
        break;
      default:
        throw new Error(`found '${opItem.lit}', expected: ${BINARY_OPERATORS}`);
    }
    const values = op === "in" || op === "notin" ? this.setValues() : this.exactValue();
    return newRequirement(key, op, values);
  }

  private setValues(): string[] {
    const open = this.take(true);
    if (open.tok !== Tok.OpenPar) throw new Error(`found '${open.lit}' expected: '('`);
    const la = this.look(true);
    if (la.tok === Tok.Identifier || la.tok === Tok.Comma) {
      const s = this.identifierList();
      const close = this.take(true);
      if (close.tok !== Tok.ClosedPar) throw new Error(`found '${close.lit}', expected: ')'`);
      return s;
    }
    if (la.tok === Tok.ClosedPar) {
      this.take(true);
      return [""];
    }
    throw new Error(`found '${la.lit}', expected: ',', ')' or identifier`);
  }

  private identifierList(): string[] {
    const s = new Set<string>();
    for (;;) {
      const it = this.take(true);
      if (it.tok === Tok.Identifier) {
        s.add(it.lit);
        const la = this.look(true);
        if (la.tok === Tok.Comma) continue;
        if (la.tok === Tok.ClosedPar) return [...s];
        throw new Error(`found '${la.lit}', expected: ',' or ')'`);
      }
      if (it.tok === Tok.Comma) {
        if (s.size === 0) s.add("");
        const la = this.look(true);
        if (la.tok === Tok.ClosedPar) {
          s.add("");
          return [...s];
        }
        if (la.tok === Tok.Comma) {
          this.take(true);
          s.add("");
        }
        continue;
      }
      throw new Error(`found '${it.lit}', expected: ',', or identifier`);
    }
  }

  private exactValue(): string[] {
    const la = this.look(true);
    if (la.tok === Tok.End || la.tok === Tok.Comma) return [""];
    const it = this.take(true);
    if (it.tok === Tok.Identifier) return [it.lit];
    throw new Error(`found '${it.lit}', expected: identifier`);
  }
}

function goStringSlice(vals: string[]): string {
  return `[]string{${vals.map(quote).join(", ")}}`;
}

/** labels.NewRequirement: operator arity and value syntax checks. */
function newRequirement(key: string, op: LabelOperator, values: string[]): LabelRequirement {
  const bad = (detail: string) => new Error(`values: Invalid value: ${goStringSlice(values)}: ${detail}`);
  switch (op) {
    case "in":
    case "notin":
      if (values.length === 0) throw bad("for 'in', 'notin' operators, values set can't be empty");
      break;
    case "=":
    case "==":
    case "!=":
      if (values.length !== 1) throw bad("exact-match compatibility requires one single value");
      break;
    case "exists":
    case "!":
      if (values.length !== 0) throw bad("values set must be empty for exists and does not exist");
      break;
    case "gt":
    case "lt":
      if (values.length !== 1) throw bad("for 'Gt', 'Lt' operators, exactly one value is required");
      for (let i = 0; i < values.length; i++) {
        if (!/^[+-]?\d+$/.test(values[i])) {
          throw new Error(`values[${i}]: Invalid value: ${quote(values[i])}: for 'Gt', 'Lt' operators, the value must be an integer`);
        }
      }
      break;
  }
  values.forEach((v, i) => {
    const errs = isValidLabelValue(v);
    if (errs.length) throw new Error(`values[${i}][${key}]: Invalid value: ${quote(v)}: ${errs.join("; ")}`);
  });
  // kube keeps set values sorted (sets.String.List())
  if (op === "in" || op === "notin") values = [...values].sort();
  return { key, operator: op, values };
}

function matchRequirement(r: LabelRequirement, labels: Record<string, string> | undefined): boolean {
  const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = has ? labels![r.key] : undefined;
  switch (r.operator) {
    case "=":
    case "==":
    case "in":
      return has && r.values.includes(v!);
    case "!=":
    case "notin":
      return !has || !r.values.includes(v!);
    case "exists":
      return has;
    case "!":
      return !has;
    case "gt":
    case "lt": {
      if (!has || !/^[+-]?\d+$/.test(v!)) return false;
      const a = BigInt(v!);
      const b = BigInt(r.values[0]);
      return r.operator === "gt" ? a > b : a < b;
    }
  }
}

function requirementString(r: LabelRequirement): string {
  switch (r.operator) {
    case "exists":
      return r.key;
    case "!":
      return "!" + r.key;
    case "in":
    case "notin":
      return `${r.key} ${r.operator} (${r.values.join(",")})`;
    case "gt":
      return `${r.key}>${r.values[0]}`;
    case "lt":
      return `${r.key}<${r.values[0]}`;
    default:
      return `${r.key}${r.operator}${r.values[0]}`;
  }
}

export function selectorFromRequirements(reqs: LabelRequirement[]): LabelSelector {
  // kube sorts requirements by key
  const sorted = [...reqs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    requirements: sorted,
    empty: sorted.length === 0,
    matches: (labels) => sorted.every((r) => matchRequirement(r, labels)),
    toString: () => sorted.map(requirementString).join(","),
  };
}

/** labels.Parse. Throws Error with kube's message on invalid input. */
export function parseLabelSelector(selector: string): LabelSelector {
  return selectorFromRequirements(new Parser(lex(selector)).parse());
}

export const everythingLabels: LabelSelector = selectorFromRequirements([]);
