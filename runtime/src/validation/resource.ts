/**
 * One kind's validation as the API server runs it for a custom resource:
 * schema validation (an Ajv validator compiled ahead of time by the
 * generator), embedded resources' apiVersion and kind, then the list-type
 * invariants, then the CEL rules, which are
 * skipped, as upstream skips them, when the schema already found an error
 * that makes rule evaluation unsafe (wrong types, missing or oversized
 * values). On update, errors in unchanged parts are ratcheted away, as
 * Kubernetes does since 1.30. Generated `validation.ts` files build one per kind.
 */
import type { FieldError, StructuralSchema } from "../api/resource.js";
import { hasRules, validateCelRules } from "./cel.js";
import { applyDefaults } from "./defaults.js";
import { validateEmbeddedResources } from "./embedded.js";
import { fieldError } from "./field-errors.js";
import { NIL_PATH } from "./paths.js";
import { unchangedAt } from "./ratchet.js";
import { validateListTypes } from "./list-types.js";
import { schemaErrorsToFieldErrors, type CompiledValidator } from "./schema-errors.js";

export interface SchemaValidation {
  schema: StructuralSchema;
  /** Fills in `default`s in place (before validation, as the server decodes). */
  applyDefaults(obj: Record<string, unknown>): void;
  /** Schema, list-type and CEL validation; `old` is the stored object on update. */
  validate(obj: Record<string, unknown>, old?: Record<string, unknown>): FieldError[];
}

/** Cause types after which apiextensions does not run CEL rules (hasBlockingErr). */
const BLOCKING = new Set<FieldError["type"]>([
  "FieldValueNotSupported",
  "FieldValueRequired",
  "FieldValueTooLong",
  "FieldValueTooMany",
  "FieldValueTypeInvalid",
]);

export function createSchemaValidation(schema: StructuralSchema, compiled: CompiledValidator): SchemaValidation {
  // Without rules there is no CEL validator, so no "rules were not checked" line either.
  const withRules = hasRules(schema);
  return {
    schema,
    applyDefaults(obj) {
      applyDefaults(obj, schema);
    },
    validate(obj, old) {
      const errs: FieldError[] = [];
      if (!compiled(obj)) {
        // Ratcheting: on update, errors in unchanged parts of the object are not reported.
        const raw = old ? (compiled.errors ?? []).filter((e) => !unchangedAt(obj, old, e.instancePath, schema)) : compiled.errors;
        errs.push(...schemaErrorsToFieldErrors(raw, obj));
      }
      errs.push(...validateEmbeddedResources(obj, schema));
      // Ratcheted as a whole, as upstream does: on update the list-type invariants are
      // checked only when the stored object satisfies them (strategy.go ValidateUpdate).
      if (!old || validateListTypes(old, schema).length === 0) errs.push(...validateListTypes(obj, schema));
      if (!withRules) return errs;
      if (errs.some((e) => BLOCKING.has(e.type))) {
        // Upstream (strategy.go hasBlockingErr) adds this with a nil path and a nil bad value.
        errs.push(
          fieldError.invalid(NIL_PATH, null, "some validation rules were not checked because the object was invalid; correct the existing errors to complete validation"),
        );
      } else {
        errs.push(...validateCelRules(obj, schema, old));
      }
      return errs;
    },
  };
}
