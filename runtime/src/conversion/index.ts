/** Serving one kind in several versions: conversion through the storage version, per request. */
export type { ConvertFunc, ResourceConversion } from "./types.js";
export { convertingStorage } from "./storage.js";
export { losslessConversion } from "./lossless.js";
export { lostFields, restoreFields, stashAnnotation } from "./stash.js";
export { withConversion } from "./define.js";
