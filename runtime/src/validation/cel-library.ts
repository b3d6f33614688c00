/**
 * The parts of Kubernetes' CEL libraries that CRD rules use most and that
 * CEL's standard library lacks: regex `find`/`findAll` and the list helpers
 * `isSorted`, `sum`, `min`, `max`, `indexOf`, `lastIndexOf`
 * (k8s.io/apiserver/pkg/cel/library). String extensions come from
 * @bufbuild/cel/ext. Regexes for find/findAll use JavaScript's engine (RE2
 * syntax is nearly a subset); `matches` runs on RE2 as CEL's does, but with
 * compiled patterns cached (CEL's own compiles the pattern at every call,
 * 20 µs each inside a comprehension over thousands of items).
 */
import { celFunc, celMethod, CelScalar, listType, type CelFunc, type CelList } from "@bufbuild/cel";
import { RE2JS } from "@bufbuild/re2";
import { compileRegexDfa, type RegexTester } from "./regex-dfa.js";

const STRING = CelScalar.STRING;
const INT = CelScalar.INT;
const DYN = CelScalar.DYN;
const LIST = listType(DYN);

/** Patterns are cached by text, within a bound: a rule may build its pattern from the object. */
const REGEX_CACHE_LIMIT = 512;

function cached<T>(cache: Map<string, T>, pattern: string, compile: (p: string) => T): T {
  let r = cache.get(pattern);
  if (r === undefined) {
    r = compile(pattern);
    if (cache.size >= REGEX_CACHE_LIMIT) cache.clear();
    cache.set(pattern, r);
  }
  return r;
}

const regexCache = new Map<string, RegExp>();
function regex(pattern: string): RegExp {
  const r = cached(regexCache, pattern, (p) => new RegExp(p, "gu"));
  r.lastIndex = 0;
  return r;
}

const re2Cache = new Map<string, RegexTester>();
function matches(text: string, pattern: string): boolean {
  // RE2 refuses a bad pattern (a CEL error); the automaton answers as RE2 where it applies.
  return cached(re2Cache, pattern, (p) => {
    const compiled = RE2JS.compile(p);
    return compileRegexDfa(p) ?? compiled;
  }).test(text);
}

function items(list: CelList): unknown[] {
  return [...list];
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === "bigint" && typeof b === "bigint") return a < b ? -1 : a > b ? 1 : 0;
  if ((typeof a === "number" || typeof a === "bigint") && (typeof b === "number" || typeof b === "bigint")) return Number(a) - Number(b);
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  throw new Error("no such overload");
}

function extreme(list: CelList, sign: 1 | -1): unknown {
  const xs = items(list);
  if (xs.length === 0) throw new Error(sign > 0 ? "max of empty list" : "min of empty list");
  return xs.reduce((best, x) => (compare(x, best) * sign > 0 ? x : best));
}

export const kubernetesCelLibrary: CelFunc[] = [
  celMethod("matches", STRING, [STRING], CelScalar.BOOL, function (pattern) {
    return matches(this, pattern);
  }),
  celFunc("matches", [STRING, STRING], CelScalar.BOOL, (text, pattern) => matches(text, pattern)),
  celMethod("find", STRING, [STRING], STRING, function (pattern) {
    return regex(pattern).exec(this)?.[0] ?? "";
  }),
  celMethod("findAll", STRING, [STRING], listType(STRING), function (pattern) {
    return [...this.matchAll(regex(pattern))].map((m) => m[0]);
  }),
  celMethod("findAll", STRING, [STRING, INT], listType(STRING), function (pattern, limit) {
    const all = [...this.matchAll(regex(pattern))].map((m) => m[0]);
    return limit < 0n ? all : all.slice(0, Number(limit));
  }),
  celMethod("isSorted", LIST, [], CelScalar.BOOL, function () {
    const xs = items(this);
    return xs.every((x, i) => i === 0 || compare(xs[i - 1], x) <= 0);
  }),
  celMethod("sum", LIST, [], DYN, function () {
    const xs = items(this);
    if (xs.every((x) => typeof x === "bigint")) return (xs as bigint[]).reduce((a, b) => a + b, 0n);
    return xs.reduce<number>((a, b) => a + Number(b), 0);
  }),
  celMethod("max", LIST, [], DYN, function () {
    return extreme(this, 1) as never;
  }),
  celMethod("min", LIST, [], DYN, function () {
    return extreme(this, -1) as never;
  }),
  celMethod("indexOf", LIST, [DYN], INT, function (x) {
    return BigInt(items(this).findIndex((y) => compare(y, x) === 0));
  }),
  celMethod("lastIndexOf", LIST, [DYN], INT, function (x) {
    const xs = items(this);
    for (let i = xs.length - 1; i >= 0; i--) if (compare(xs[i], x) === 0) return BigInt(i);
    return -1n;
  }),
];
