/** Parsers for tag values; each reports a `bad-tag-value` diagnostic instead of throwing. */
import type { DiagnosticBag } from "../model/diagnostic.js";
import type { SourceLocation, ValidationRule } from "../model/types.js";
import { celProblem, usesOptionalOldSelf } from "./cel.js";
import type { DocTag } from "./jsdoc.js";
import { patternProblem } from "./patterns.js";

export function badValue(diags: DiagnosticBag, tag: DocTag, message: string, hint: string): undefined {
  diags.report(tag.valueSource.line === tag.source.line ? tag.valueSource : tag.source, "bad-tag-value", message, hint);
  return undefined;
}

export function parseNumberTag(diags: DiagnosticBag, tag: DocTag): number | undefined {
  const n = tag.value === "" ? NaN : Number(tag.value);
  if (!Number.isFinite(n)) {
    return badValue(diags, tag, `@${tag.name} needs a number, got ${JSON.stringify(tag.value)}`, `write e.g. @${tag.name} 0`);
  }
  return n;
}

export function parseCountTag(diags: DiagnosticBag, tag: DocTag, min = 0): number | undefined {
  const n = Number(tag.value);
  if (tag.value === "" || !Number.isInteger(n) || n < min) {
    return badValue(
      diags,
      tag,
      `@${tag.name} needs an integer of at least ${min}, got ${JSON.stringify(tag.value)}`,
      `write e.g. @${tag.name} ${Math.max(min, 1)}`,
    );
  }
  return n;
}

/** A bare `@flag`, or `@flag true|false`. */
export function parseFlagTag(diags: DiagnosticBag, tag: DocTag): boolean | undefined {
  if (tag.value === "" || tag.value === "true") return true;
  if (tag.value === "false") return false;
  return badValue(diags, tag, `@${tag.name} takes no value, got ${JSON.stringify(tag.value)}`, `write @${tag.name} on its own`);
}

export function parseEnumTag<T extends string>(diags: DiagnosticBag, tag: DocTag, allowed: readonly T[]): T | undefined {
  if ((allowed as readonly string[]).includes(tag.value)) return tag.value as T;
  return badValue(
    diags,
    tag,
    `@${tag.name} must be one of ${allowed.join(", ")}, got ${JSON.stringify(tag.value)}`,
    `write e.g. @${tag.name} ${allowed[0]}`,
  );
}

/** JSON, but a bare word (`@default Parquet`) is taken as a string. */
export function parseJsonTag(diags: DiagnosticBag, tag: DocTag): { value: unknown } | undefined {
  const text = tag.value;
  try {
    return { value: JSON.parse(text) };
  } catch {
    // `@default Parquet`, `@default 500m`, `@default 1h`: one word that is not JSON is a string.
    if (/^[^\s"'{}[\],]+$/.test(text)) return { value: text };
    return badValue(
      diags,
      tag,
      `@${tag.name} needs a JSON value, got ${JSON.stringify(text)}`,
      `quote strings and use JSON syntax, e.g. @${tag.name} "1h" or @${tag.name} {"key": 1}`,
    );
  }
}

export function parsePatternTag(diags: DiagnosticBag, tag: DocTag): string | undefined {
  if (tag.value === "") return badValue(diags, tag, "@pattern needs a regular expression", "write e.g. @pattern ^[a-z]+$");
  const problem = patternProblem(tag.value);
  return problem ? badValue(diags, tag, problem.message, problem.hint) : tag.value;
}

/** `@rule <CEL> ["message"]`: the message is a JSON string at the end, after whitespace. */
export function parseRuleTag(diags: DiagnosticBag, tag: DocTag): ValidationRule | undefined {
  const { rule, message } = splitRule(tag.value);
  if (rule === "") {
    return badValue(diags, tag, "@rule needs a CEL expression", `write e.g. @rule self.min <= self.max "min must not exceed max"`);
  }
  const err = celProblem(rule);
  if (err) {
    // Point into the expression when it sits on the tag's line.
    const at: SourceLocation =
      err.line === 1 ? { ...tag.valueSource, column: tag.valueSource.column + err.column - 1 } : tag.valueSource;
    const hint = err.hint ?? "the rule is a CEL expression over `self` (and `oldSelf` for transition rules), then an optional \"message\"";
    diags.report(at, "invalid-cel", `@rule is not valid CEL: ${err.message}`, hint);
    return undefined;
  }
  return { rule, ...(message !== undefined ? { message } : {}), ...(usesOptionalOldSelf(rule) ? { optionalOldSelf: true } : {}), source: tag.source };
}

function splitRule(value: string): { rule: string; message?: string } {
  const text = value.trim();
  if (!text.endsWith('"')) return { rule: text };
  for (let i = 1; i < text.length; i++) {
    if (text[i] !== '"' || !/\s/.test(text[i - 1])) continue;
    try {
      const message = JSON.parse(text.slice(i));
      if (typeof message === "string") return { rule: text.slice(0, i).trim(), message };
    } catch {
      // not the start of the message; keep looking
    }
  }
  return { rule: text };
}

/** `k=v k2="v 2"` as used by @printColumn and @subresource scale. */
export function parseKeyValues(text: string): { values: Record<string, string>; error?: string } {
  const values: Record<string, string> = {};
  const re = /\s*([A-Za-z][A-Za-z0-9]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/y;
  let pos = 0;
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) return { values, error: `cannot read ${JSON.stringify(text.slice(pos).trim())}; expected key=value` };
    let v = m[2];
    if (v.startsWith('"')) v = JSON.parse(v) as string;
    else if (v.startsWith("'")) v = v.slice(1, -1);
    values[m[1]] = v;
    pos = re.lastIndex;
  }
  return { values };
}
