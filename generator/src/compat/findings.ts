/** What `skai-gen compat` reports: one finding per change, placed in the new definitions. */
import type { ApiModel, BreakingChangeAck, SourceLocation } from "../model/types.js";
import { BREAKING_RULES, isBreakingRule, type CompatRule } from "../model/compat-rules.js";

/**
 * - breaking: fails the check;
 * - acknowledged: breaking, accepted by `@breakingChange` (the reason is kept);
 * - allowed: breaking, in an alpha version, and the configuration allows it;
 * - ratcheted: tightened validation the server ratchets (stored values keep working);
 * - compatible: safe for every client.
 */
export type FindingLevel = "breaking" | "acknowledged" | "allowed" | "ratcheted" | "compatible";

export interface Finding {
  rule: CompatRule;
  level: FindingLevel;
  /** In the new definitions; for something removed, its parent there. */
  at: SourceLocation;
  /** What changed: `shop.example.com/v1 Widget`, `shop.example.com/v1`, or a protobuf message. */
  subject: string;
  message: string;
  hint: string;
  /** The `@breakingChange` reason, when acknowledged. */
  reason?: string;
  /** Where that `@breakingChange` tag is. */
  acknowledgedAt?: SourceLocation;
}

export type Stability = "alpha" | "beta" | "stable";

export function stabilityOf(version: string): Stability {
  return /alpha/.test(version) ? "alpha" : /beta/.test(version) ? "beta" : "stable";
}

export interface FindingScope {
  stability: Stability;
  /** `@breakingChange` tags of the version, kind, types and fields on the way to here. */
  acks: readonly BreakingChangeAck[];
  alphaMayBreak: boolean;
}

/** The level of a change under a rule, given where it is. */
export function levelOf(rule: CompatRule, scope: FindingScope, ratcheted = false): { level: FindingLevel; reason?: string; acknowledgedAt?: SourceLocation } {
  if (!isBreakingRule(rule)) return { level: "compatible" };
  if (ratcheted) return { level: "ratcheted" };
  const ack = scope.acks.find((a) => a.rule === rule);
  if (ack) return { level: "acknowledged", reason: ack.reason, acknowledgedAt: ack.source };
  if (scope.stability === "alpha" && scope.alphaMayBreak) return { level: "allowed" };
  return { level: "breaking" };
}

export function hintFor(rule: CompatRule): string {
  return isBreakingRule(rule) ? BREAKING_RULES[rule] : "";
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    (a.at.file < b.at.file ? -1 : a.at.file > b.at.file ? 1 : 0) ||
    a.at.line - b.at.line ||
    a.at.column - b.at.column ||
    (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0) ||
    (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0) ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  );
}

/**
 * `@breakingChange` tags that acknowledge nothing against this baseline: once
 * the baseline has the change, the tag has done its job and can go.
 */
export function unusedAcknowledgements(now: ApiModel, findings: readonly Finding[]): BreakingChangeAck[] {
  const used = new Set(findings.flatMap((f) => (f.acknowledgedAt ? [placeKey(f.acknowledgedAt)] : [])));
  const all: BreakingChangeAck[] = [];
  for (const g of now.groups)
    for (const v of g.versions) {
      all.push(...(v.breakingChanges ?? []));
      for (const k of v.kinds) all.push(...(k.breakingChanges ?? []));
    }
  for (const t of Object.values(now.types)) {
    all.push(...(t.breakingChanges ?? []));
    for (const f of t.fields) all.push(...(f.breakingChanges ?? []));
  }
  const seen = new Set<string>();
  return all.filter((a) => {
    const key = placeKey(a.source);
    if (used.has(key) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function placeKey(s: SourceLocation): string {
  return `${s.file}:${s.line}:${s.column}`;
}
