/** Kubernetes value machinery: selectors, patches, JSONPath, name validation, strict JSON checks. */
export * from "./labels.js";
export * from "./fields.js";
export * from "./jsonpath.js";
export * from "./jsonpatch.js";
export * from "./mergepatch.js";
export * from "./strategicpatch.js";
export * from "@skai-gen/client/jsonscan";
export * from "./deepcopy.js";
export * from "./validation.js";
