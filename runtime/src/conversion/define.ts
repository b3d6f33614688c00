/** Attaching a conversion and a deprecation warning to a generated ResourceDefinition. */
import type { ResourceDefinition } from "../api/resource.js";
import type { ResourceConversion } from "./types.js";

/** The definition served in a version other than storage: its requests convert (see storage.ts). */
export function withConversion(def: ResourceDefinition, conversion: ResourceConversion): ResourceDefinition {
  return { ...def, conversion };
}

/**
 * apiextensions-apiserver's default warning for a deprecated CRD version:
 * `<group>/<version> <Kind> is deprecated; use <group>/<newest served, not deprecated version> <Kind>`.
 */
export function deprecationWarning(group: string, version: string, kind: string, replacement?: string): string {
  const base = `${group}/${version} ${kind} is deprecated`;
  return replacement ? `${base}; use ${group}/${replacement} ${kind}` : base;
}
