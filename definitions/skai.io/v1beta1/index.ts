/**
 * Package v1beta1 is the second version of the SKAI API. It carries every
 * kind of v1alpha1 so that clients can move the whole API at once; Notebook is
 * reshaped: its container settings are grouped under `spec.template`.
 * Objects are still stored as v1alpha1 and converted per request.
 */
export * from "./common.js";
export * from "./notebook.js";
export * from "./trainingjob.js";
export * from "./dataset.js";
export * from "./model.js";
export * from "./inferenceservice.js";
export * from "./queue.js";
