/** Attaching a conversion to a generated ResourceDefinition. */
import type { ResourceDefinition } from "../api/resource.js";
import type { ResourceConversion } from "./types.js";

/** The definition served in a version other than storage: its requests convert (see storage.ts). */
export function withConversion(def: ResourceDefinition, conversion: ResourceConversion): ResourceDefinition {
  return { ...def, conversion };
}
