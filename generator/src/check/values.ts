/**
 * Validates a JSON value (a @default or @example) against a field's type and
 * constraints, as the apiserver would. Returns the first problem, worded for
 * a person, or undefined.
 */
import type { ApiModel, Constraints, TypeNode } from "../model/types.js";

const QUANTITY = /^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$/;
const show = (v: unknown) => JSON.stringify(v);
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export function valueProblem(model: ApiModel, value: unknown, type: TypeNode, c: Constraints = {}, depth = 0): string | undefined {
  if (value === null) return c.nullable ? undefined : "null is not allowed (the field is not nullable)";
  if (depth > 32) return undefined;
  const typeProblem = checkType(model, value, type, depth);
  if (typeProblem) return typeProblem;
  return checkConstraints(value, c);
}

function checkType(model: ApiModel, v: unknown, type: TypeNode, depth: number): string | undefined {
  switch (type.kind) {
    case "string":
      return typeof v === "string" ? undefined : `${show(v)} is not a string`;
    case "enum":
      return typeof v === "string" && type.values.includes(v) ? undefined : `${show(v)} is not one of ${type.values.map(show).join(", ")}`;
    case "boolean":
      return typeof v === "boolean" ? undefined : `${show(v)} is not a boolean`;
    case "number":
      return typeof v === "number" ? undefined : `${show(v)} is not a number`;
    case "integer": {
      if (typeof v !== "number" || !Number.isInteger(v)) return `${show(v)} is not an integer`;
      if (type.format === "int32" && (v < -(2 ** 31) || v > 2 ** 31 - 1)) return `${v} does not fit in int32`;
      return undefined;
    }
    case "intOrString":
      if (typeof v === "number") return Number.isInteger(v) || type.quantity ? undefined : `${v} is not an integer`;
      if (typeof v !== "string") return `${show(v)} is neither an integer nor a string`;
      return type.quantity && !QUANTITY.test(v) ? `${show(v)} is not a Kubernetes quantity (e.g. "500m", "4Gi")` : undefined;
    case "time":
      return typeof v === "string" && !Number.isNaN(Date.parse(v)) ? undefined : `${show(v)} is not an RFC 3339 date-time`;
    case "unknown":
      return undefined;
    case "array": {
      if (!Array.isArray(v)) return `${show(v)} is not a list`;
      for (const [i, item] of v.entries()) {
        const p = valueProblem(model, item, type.items, type.itemConstraints, depth + 1);
        if (p) return `item ${i}: ${p}`;
      }
      return undefined;
    }
    case "map": {
      if (!isPlainObject(v)) return `${show(v)} is not an object`;
      for (const [k, item] of Object.entries(v)) {
        const p = valueProblem(model, item, type.values, type.valueConstraints, depth + 1);
        if (p) return `key ${k}: ${p}`;
      }
      return undefined;
    }
    case "object": {
      if (!isPlainObject(v)) return `${show(v)} is not an object`;
      const t = model.types[type.ref];
      if (!t) return undefined;
      for (const [k, item] of Object.entries(v)) {
        const f = t.fields.find((x) => x.name === k);
        if (!f) {
          if (t.constraints.preserveUnknownFields) continue;
          return `${t.name} has no field ${k}`;
        }
        const p = valueProblem(model, item, f.type, f.constraints, depth + 1);
        if (p) return `${k}: ${p}`;
      }
      // Nested defaults are applied before validation, so only undefaulted required fields are missing.
      const missing = t.fields.filter((f) => f.required && !(f.name in v) && f.constraints.default === undefined);
      if (missing.length) return `required field ${missing.map((f) => f.name).join(", ")} of ${t.name} is missing`;
      return checkConstraints(v, t.constraints);
    }
  }
}

function checkConstraints(v: unknown, c: Constraints): string | undefined {
  if (typeof v === "number") {
    if (c.minimum !== undefined && (c.exclusiveMinimum ? v <= c.minimum : v < c.minimum))
      return `${v} is ${c.exclusiveMinimum ? "not greater than" : "less than"} the minimum ${c.minimum}`;
    if (c.maximum !== undefined && (c.exclusiveMaximum ? v >= c.maximum : v > c.maximum))
      return `${v} is ${c.exclusiveMaximum ? "not less than" : "greater than"} the maximum ${c.maximum}`;
    if (c.multipleOf !== undefined && c.multipleOf !== 0 && !Number.isInteger(v / c.multipleOf)) return `${v} is not a multiple of ${c.multipleOf}`;
  }
  if (typeof v === "string") {
    const len = [...v].length;
    if (c.minLength !== undefined && len < c.minLength) return `${show(v)} is shorter than the minimum length ${c.minLength}`;
    if (c.maxLength !== undefined && len > c.maxLength) return `${show(v)} is longer than the maximum length ${c.maxLength}`;
    if (c.pattern !== undefined) {
      try {
        if (!new RegExp(c.pattern, "u").test(v)) return `${show(v)} does not match the pattern ${c.pattern}`;
      } catch {
        // an invalid pattern is reported where it is read
      }
    }
  }
  if (Array.isArray(v)) {
    if (c.minItems !== undefined && v.length < c.minItems) return `the list has fewer than ${c.minItems} items`;
    if (c.maxItems !== undefined && v.length > c.maxItems) return `the list has more than ${c.maxItems} items`;
    if ((c.uniqueItems || c.listType === "set") && new Set(v.map((x) => JSON.stringify(x))).size !== v.length) return "the list has duplicate items";
  }
  if (isPlainObject(v)) {
    const n = Object.keys(v).length;
    if (c.minProperties !== undefined && n < c.minProperties) return `the object has fewer than ${c.minProperties} entries`;
    if (c.maxProperties !== undefined && n > c.maxProperties) return `the object has more than ${c.maxProperties} entries`;
  }
  return undefined;
}
