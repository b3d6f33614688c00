/**
 * A small deterministic generator of random objects from a structural schema
 * (the one each generated ResourceDefinition carries): optional fields present
 * or not, enums, bounded numbers, lists, maps, int-or-string, free-form values.
 * Strings are plain words, so patterns are not honoured: conversion never looks
 * at values, only at where they are.
 */
import type { StructuralSchema } from "../../runtime/src/api/resource.js";

export { prng } from "../support/prng.js";

const WORDS = ["alpha", "beta", "gpu", "train", "data", "x", "nb-1", "/mnt/a", "2h", "500m"];

export function randomValue(schema: StructuralSchema, rand: () => number, depth = 0): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  if (schema.enum?.length) return pick(schema.enum);
  if (schema["x-kubernetes-int-or-string"]) return rand() < 0.5 ? Math.floor(rand() * 100) : pick(WORDS);
  if (schema["x-kubernetes-preserve-unknown-fields"] && !schema.properties) return { free: pick(WORDS), n: Math.floor(rand() * 9) };
  switch (schema.type) {
    case "string":
      return schema.format === "date-time" ? new Date(Date.UTC(2026, 0, 1 + Math.floor(rand() * 300))).toISOString().replace(".000", "") : pick(WORDS);
    case "boolean":
      return rand() < 0.5;
    case "integer": {
      const min = schema.minimum ?? 0;
      const max = schema.maximum ?? min + 1000;
      return min + Math.floor(rand() * (max - min + 1));
    }
    case "number":
      return Math.round(rand() * 1000) / 100;
    case "array": {
      const n = depth > 4 ? 0 : Math.floor(rand() * 3);
      return Array.from({ length: n }, () => randomValue(schema.items ?? {}, rand, depth + 1));
    }
    case "object":
    default: {
      const out: Record<string, unknown> = {};
      if (schema.properties) {
        const required = new Set(schema.required ?? []);
        for (const [k, s] of Object.entries(schema.properties)) {
          if (required.has(k) || (depth < 6 && rand() < 0.6)) out[k] = randomValue(s, rand, depth + 1);
        }
      } else if (schema.additionalProperties && typeof schema.additionalProperties === "object") {
        const n = Math.floor(rand() * 3);
        for (let i = 0; i < n; i++) out[`k${i}`] = randomValue(schema.additionalProperties, rand, depth + 1);
      }
      return out;
    }
  }
}

/** A random object of a kind: its spec and status from the schema, fixed metadata. */
export function randomObject(schema: StructuralSchema, apiVersion: string, kind: string, rand: () => number): Record<string, unknown> {
  const obj: Record<string, unknown> = { apiVersion, kind, metadata: { name: "r", namespace: "ns", annotations: { keep: "me" } } };
  for (const part of ["spec", "status"]) {
    const s = schema.properties?.[part];
    if (s && (part === "spec" || rand() < 0.7)) obj[part] = randomValue(s, rand, 1);
  }
  return obj;
}
