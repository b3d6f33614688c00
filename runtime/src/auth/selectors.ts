/**
 * Field and label selectors of list/watch/deletecollection requests as
 * SubjectAccessReview requirements (kube 1.32, AuthorizeWithSelectors on by
 * default; AS endpoints/filters GetAuthorizerAttributes and plugin/pkg/authorizer/webhook
 * fieldSelectorToAuthorizationAPI / labelSelectorToAuthorizationAPI). Selectors only
 * narrow a request, so what cannot be expressed is left out rather than failing the
 * review, as kube does: a term without a SubjectAccessReview operator (`>`, `<`), or
 * the whole selector when it does not parse.
 */
import { parseFieldSelector } from "../apimachinery/fields.js";
import { parseLabelSelector, type LabelOperator } from "../apimachinery/labels.js";
import type { SelectorRequirement } from "../cluster/reviews.js";

/** `a=b,c!=d` -> In/NotIn requirements, in the parser's order (its terms sorted). */
export function fieldSelectorRequirements(selector: string | null | undefined): SelectorRequirement[] {
  const parsed = parseOrUndefined(parseFieldSelector, selector);
  if (!parsed) return [];
  return parsed.requirements.map((r) => ({ key: r.field, operator: r.operator === "=" ? "In" : "NotIn", values: [r.value] }));
}

const LABEL_OPERATORS: Partial<Record<LabelOperator, SelectorRequirement["operator"]>> = {
  "=": "In",
  "==": "In",
  in: "In",
  "!=": "NotIn",
  notin: "NotIn",
  exists: "Exists",
  "!": "DoesNotExist",
};

/** `app=x,tier in (a,b),!legacy,env` -> requirements sorted by key, values sorted (labels.Parse). */
export function labelSelectorRequirements(selector: string | null | undefined): SelectorRequirement[] {
  const parsed = parseOrUndefined(parseLabelSelector, selector);
  if (!parsed) return [];
  const out: SelectorRequirement[] = [];
  for (const r of parsed.requirements) {
    const operator = LABEL_OPERATORS[r.operator];
    if (!operator) continue;
    out.push(r.values.length ? { key: r.key, operator, values: r.values } : { key: r.key, operator });
  }
  return out;
}

function parseOrUndefined<T>(parse: (selector: string) => T, selector: string | null | undefined): T | undefined {
  if (!selector) return undefined;
  try {
    return parse(selector);
  } catch {
    return undefined;
  }
}
