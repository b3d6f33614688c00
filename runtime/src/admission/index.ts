export type {
  AdmissionAttributes,
  AdmissionObject,
  AdmissionPlugin,
  GroupVersionKind,
  GroupVersionResource,
  Operation,
} from "./types.js";
export { definePlugin } from "./types.js";
export { AdmissionChain, pluginsFrom } from "./chain.js";
export { admissionForbidden } from "./errors.js";
export { admissionAttributes, type AttributesInput } from "./attributes.js";
export { createNamespaceLifecycle, type NamespaceLifecycleOptions, type NamespaceLifecyclePlugin } from "./namespace-lifecycle.js";
export { createAdmission, type AdmissionSetup, type AdmissionSetupOptions } from "./setup.js";
