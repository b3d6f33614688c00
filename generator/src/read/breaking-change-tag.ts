/**
 * `@breakingChange <rule> <reason>`: the definitions' way to accept a breaking
 * change that `skai-gen compat` reports. The reader parses the tag on a field,
 * a kind or a version (index.ts); the comparison honours it there and below.
 */
import { BREAKING_RULE_NAMES, isBreakingRule } from "../model/compat-rules.js";
import type { DiagnosticBag } from "../model/diagnostic.js";
import type { BreakingChangeAck } from "../model/types.js";
import type { DocTag } from "./jsdoc.js";
import { closest } from "./suggest.js";
import { badValue } from "./tag-values.js";

const EXAMPLE = "@breakingChange removed-field nothing ever set it (see #123)";

export function parseBreakingChangeTag(diags: DiagnosticBag, tag: DocTag): BreakingChangeAck | undefined {
  const m = /^(\S+)\s*(.*)$/s.exec(tag.value.trim());
  if (!m) return badValue(diags, tag, "@breakingChange needs a rule and a reason", `write e.g. ${EXAMPLE}`);
  const [, rule, reason] = m;
  if (!isBreakingRule(rule)) {
    const guess = closest(rule, BREAKING_RULE_NAMES);
    return badValue(
      diags,
      tag,
      `@breakingChange names no breaking rule: ${JSON.stringify(rule)}`,
      guess ? `did you mean ${guess}?` : `the rules are ${BREAKING_RULE_NAMES.join(", ")}`,
    );
  }
  if (reason.trim() === "") return badValue(diags, tag, `@breakingChange ${rule} needs a reason after the rule`, `write e.g. ${EXAMPLE}`);
  return { rule, reason: reason.trim(), source: tag.source };
}
