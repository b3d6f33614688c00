/** Validation of custom-resource-like objects against structural schemas, worded as kube-apiserver words it. */
export type { CauseType, FieldError, StructuralSchema } from "../api/resource.js";
export { applyDefaults } from "./defaults.js";
export { compileCel, isTransitionRule, toCel, validateCelRules } from "./cel.js";
export { validateEmbeddedResources } from "./embedded.js";
export { fieldError } from "./field-errors.js";
export { formats, KUBERNETES_FORMATS } from "./formats.js";
export { goValue } from "./go-format.js";
export { validateListTypes } from "./list-types.js";
export { findUnknownFields, pruneUnknownFields } from "./prune.js";
export { deepEqual, unchangedAt } from "./ratchet.js";
export { re2 } from "./re2.js";
export { createSchemaValidation, type SchemaValidation } from "./resource.js";
export {
  jsonTypeOf,
  resolvePointer,
  schemaErrorsToFieldErrors,
  type CompiledValidator,
  type SchemaErrorObject,
} from "./schema-errors.js";
