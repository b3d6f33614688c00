/**
 * Field and label selectors of list/watch/deletecollection requests as
 * SubjectAccessReview requirements (kube 1.32, AuthorizeWithSelectors on by
 * default; AS plugin/pkg/authorizer/webhook fieldSelectorToAuthorizationAPI /
 * labelSelectorToAuthorizationAPI). Selectors only narrow a request, so a
 * term that cannot be expressed (`>`, `<`, bad syntax) is left out rather than
 * failing the review, as kube does.
 */
import type { SelectorRequirement } from "../cluster/reviews.js";

/** `a=b,c!=d` -> In/NotIn requirements, in the order given. */
export function fieldSelectorRequirements(selector: string | null | undefined): SelectorRequirement[] {
  if (!selector) return [];
  const out: SelectorRequirement[] = [];
  for (const term of splitTerms(selector)) {
    const m = /^([^=!]+?)\s*(!=|==|=)\s*(.*)$/.exec(term.trim());
    if (!m) continue;
    out.push({ key: m[1]!.trim(), operator: m[2] === "!=" ? "NotIn" : "In", values: [unescapeField(m[3]!.trim())] });
  }
  return out;
}

/** Field selector values escape `\`, `,` and `=` with a backslash. */
function unescapeField(v: string): string {
  return v.replace(/\\(.)/g, "$1");
}

/** `app=x,tier in (a,b),!legacy,env` -> requirements sorted by key, values sorted (labels.Parse). */
export function labelSelectorRequirements(selector: string | null | undefined): SelectorRequirement[] {
  if (!selector) return [];
  const out: SelectorRequirement[] = [];
  for (const raw of splitTerms(selector)) {
    const term = raw.trim();
    if (!term) continue;
    let m: RegExpExecArray | null;
    if ((m = /^!\s*([^\s=!<>(),]+)$/.exec(term))) out.push({ key: m[1]!, operator: "DoesNotExist" });
    else if ((m = /^([^\s=!<>(),]+)\s+(in|notin)\s*\((.*)\)$/.exec(term))) {
      const values = [...new Set(m[3]!.split(",").map((v) => v.trim()))].sort();
      out.push({ key: m[1]!, operator: m[2] === "in" ? "In" : "NotIn", values });
    } else if ((m = /^([^\s=!<>(),]+)\s*(!=|==|=)\s*([^\s=!<>(),]*)$/.exec(term))) {
      out.push({ key: m[1]!, operator: m[2] === "!=" ? "NotIn" : "In", values: [m[3]!] });
    } else if ((m = /^([^\s=!<>(),]+)$/.exec(term))) out.push({ key: m[1]!, operator: "Exists" });
    // `>`/`<` (Gt/Lt) have no SubjectAccessReview operator: left out.
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Splits on commas outside parentheses and not escaped. */
function splitTerms(s: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "\\" && i + 1 < s.length) {
      current += c + s[++i];
      continue;
    }
    if (c === "(") depth++;
    if (c === ")") depth--;
    if (c === "," && depth === 0) {
      terms.push(current);
      current = "";
    } else current += c;
  }
  terms.push(current);
  return terms.filter((t) => t.trim() !== "");
}
