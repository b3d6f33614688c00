/**
 * Selectors in list, watch and deletecollection options: their string form, and the
 * check that the server would accept it. The client answers a selector the server
 * would reject with the server's 400 (an ApiError with reason BadRequest and the
 * server's message) before sending it, so callers handle one error either way.
 */
import { ApiError } from "../errors.js";
import { errors } from "../status.js";
import type { FieldSelector, LabelSelector, LabelSelectorRequirement } from "../types.js";
import { escapeFieldValue, parseFieldSelector } from "./fields.js";
import { parseLabelSelector } from "./labels.js";

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

/** The string form of a field selector; map values are escaped as fields.Set's selector writes them. */
export function formatFieldSelector(sel: FieldSelector): string {
  if (typeof sel === "string") return sel;
  return Object.entries(sel)
    .map(([k, v]) => `${k}=${escapeFieldValue(v)}`)
    .join(",");
}

function isStructured(sel: object): sel is { matchLabels?: Record<string, string>; matchExpressions?: LabelSelectorRequirement[] } {
  const keys = Object.keys(sel);
  return keys.length > 0 && keys.every((k) => k === "matchLabels" || k === "matchExpressions") && typeof (sel as Record<string, unknown>)[keys[0]!] === "object";
}

/** The `labelSelector` query value; throws the server's 400 for a selector it would reject. */
export function labelSelectorParam(sel: LabelSelector): string {
  const text = formatLabelSelector(sel);
  asServerRejection(() => parseLabelSelector(text));
  return text;
}

/**
 * The `fieldSelector` query value; throws the server's 400 for a selector it would
 * reject. Which fields a kind supports only the server knows.
 */
export function fieldSelectorParam(sel: FieldSelector): string {
  const text = formatFieldSelector(sel);
  asServerRejection(() => parseFieldSelector(text));
  return text;
}

/** Whether a label set matches a selector. */
export type LabelMatcher = (labels: Record<string, string> | undefined) => boolean;

/** Compiles a selector for the listers with the server's parser; throws the server's 400 for an invalid one. */
export function compileLabelSelector(sel: LabelSelector | undefined): LabelMatcher {
  if (sel === undefined) return () => true;
  return asServerRejection(() => parseLabelSelector(formatLabelSelector(sel))).matches;
}

function asServerRejection<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    throw new ApiError(errors.badRequest((e as Error).message).status);
  }
}
