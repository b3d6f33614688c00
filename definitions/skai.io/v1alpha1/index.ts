/**
 * Package v1alpha1 is the first version of the SKAI API: notebooks, training
 * jobs, datasets, models, inference services and queues of a cloud-native AI
 * platform. Deprecated: use v1beta1, which has every kind of v1alpha1.
 * @storageVersion
 * @deprecated
 */
export * from "./common.js";
export * from "./notebook.js";
export * from "./trainingjob.js";
export * from "./dataset.js";
export * from "./model.js";
export * from "./inferenceservice.js";
export * from "./queue.js";
