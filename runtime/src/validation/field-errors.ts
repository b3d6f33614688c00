/**
 * FieldError constructors worded as k8s.io/apimachinery's field package
 * (v0.32) words them: `message` is `Error.ErrorBody()`, the text kube-apiserver
 * puts in a Status cause. Bad values print as Go's ErrorBody prints them.
 */
import type { CauseType, FieldError } from "../api/resource.js";
import { goQuote, goValue } from "./go-format.js";

/** `Type.String()` of each cause type. */
const TYPE_TEXT: Record<CauseType, string> = {
  FieldValueNotFound: "Not found",
  FieldValueRequired: "Required value",
  FieldValueDuplicate: "Duplicate value",
  FieldValueInvalid: "Invalid value",
  FieldValueNotSupported: "Unsupported value",
  FieldValueForbidden: "Forbidden",
  FieldValueTooLong: "Too long",
  FieldValueTooMany: "Too many",
  FieldValueTypeInvalid: "Invalid value",
  InternalError: "Internal error",
};

/** Types whose body never shows the bad value. */
const VALUELESS = new Set<CauseType>(["FieldValueRequired", "FieldValueForbidden", "FieldValueTooLong", "InternalError"]);

function make(type: CauseType, field: string, badValue: unknown, detail: string): FieldError {
  let body = TYPE_TEXT[type];
  if (!VALUELESS.has(type) && badValue !== OMIT) body += `: ${goValue(badValue)}`;
  if (detail) body += `: ${detail}`;
  return { type, field, message: body };
}

/** Marks a bad value that the body leaves out (Go's `omitValue`). */
const OMIT: unique symbol = Symbol("omit");

export const fieldError = {
  required: (field: string, detail = "") => make("FieldValueRequired", field, "", detail),
  forbidden: (field: string, detail: string) => make("FieldValueForbidden", field, "", detail),
  invalid: (field: string, value: unknown, detail: string) => make("FieldValueInvalid", field, value, detail),
  typeInvalid: (field: string, value: unknown, detail: string) => make("FieldValueTypeInvalid", field, value, detail),
  duplicate: (field: string, value: unknown) => make("FieldValueDuplicate", field, value, ""),
  notSupported: (field: string, value: unknown, supported: string[]) =>
    make("FieldValueNotSupported", field, value, supported.length ? `supported values: ${supported.map(goQuote).join(", ")}` : ""),
  /** field.TooLong: the value is never shown; `bytes` whatever the unit (upstream wording). */
  tooLong: (field: string, maxLength: number) =>
    make("FieldValueTooLong", field, OMIT, maxLength >= 0 ? `may not be more than ${maxLength} ${maxLength === 1 ? "byte" : "bytes"}` : "value is too long"),
  tooMany: (field: string, actual: number, max: number) =>
    make("FieldValueTooMany", field, actual >= 0 ? actual : OMIT, max >= 0 ? `must have at most ${max} ${max === 1 ? "item" : "items"}` : "has too many items"),
  internal: (field: string, detail: string) => make("InternalError", field, "", detail),
};
