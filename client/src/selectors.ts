import type { FieldSelector, LabelSelector, LabelSelectorRequirement } from "./types.js";

/** The string form of a label selector, as the `labelSelector` query parameter takes it. */
export function formatLabelSelector(sel: LabelSelector): string {
  if (typeof sel === "string") return sel;
  if (isStructured(sel)) {
    const parts = Object.entries(sel.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
    for (const e of sel.matchExpressions ?? []) {
      const values = [...(e.values ?? [])].sort().join(",");
      if (e.operator === "In") parts.push(`${e.key} in (${values})`);
      else if (e.operator === "NotIn") parts.push(`${e.key} notin (${values})`);
      else if (e.operator === "Exists") parts.push(e.key);
      else parts.push(`!${e.key}`);
    }
    return parts.join(",");
  }
  return Object.entries(sel)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}

export function formatFieldSelector(sel: FieldSelector): string {
  if (typeof sel === "string") return sel;
  return Object.entries(sel)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}

function isStructured(sel: object): sel is { matchLabels?: Record<string, string>; matchExpressions?: LabelSelectorRequirement[] } {
  const keys = Object.keys(sel);
  return keys.length > 0 && keys.every((k) => k === "matchLabels" || k === "matchExpressions") && typeof (sel as Record<string, unknown>)[keys[0]!] === "object";
}

/** A compiled label selector: the requirements apimachinery's `labels.Parse` understands. */
export type LabelMatcher = (labels: Record<string, string> | undefined) => boolean;

/**
 * Compiles a selector for the client-side listers. Grammar as in
 * k8s.io/apimachinery/pkg/labels: `k=v`, `k==v`, `k!=v`, `k in (a,b)`,
 * `k notin (a,b)`, `k`, `!k`, comma-separated (commas inside parentheses belong to the set).
 */
export function compileLabelSelector(sel: LabelSelector | undefined): LabelMatcher {
  if (sel === undefined) return () => true;
  const text = formatLabelSelector(sel).trim();
  if (text === "") return () => true;
  const reqs = splitTopLevel(text).map(parseRequirement);
  return (labels) => {
    const l = labels ?? {};
    for (const r of reqs) if (!r(l)) return false;
    return true;
  };
}

function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of text) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      out.push(cur.trim());
      cur = "";
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

type Req = (l: Record<string, string>) => boolean;

function parseRequirement(r: string): Req {
  let m = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(r);
  if (m) {
    const key = m[1]!;
    const set = new Set(m[3]!.split(",").map((s) => s.trim()).filter(Boolean));
    return m[2] === "in" ? (l) => key in l && set.has(l[key]!) : (l) => !(key in l) || !set.has(l[key]!);
  }
  m = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(r);
  if (m) {
    const [, key, op, value] = m as unknown as [string, string, string, string];
    return op === "!=" ? (l) => l[key] !== value : (l) => l[key] === value;
  }
  m = /^!\s*(\S+)$/.exec(r);
  if (m) {
    const key = m[1]!;
    return (l) => !(key in l);
  }
  if (/^\S+$/.test(r)) return (l) => r in l;
  throw new Error(`invalid label selector requirement: ${JSON.stringify(r)}`);
}
