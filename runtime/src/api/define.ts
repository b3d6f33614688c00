import type { ResourceDefinition, StructuralSchema } from "./resource.js";
import type { FieldError } from "./resource.js";
import type { KindProtobuf } from "@skai-gen/client/protobuf";

/** What a kind's generated validation module provides. */
export interface KindValidation {
  schema: StructuralSchema;
  applyDefaults(obj: Record<string, unknown>): void;
  validate(obj: Record<string, unknown>, old?: Record<string, unknown>): FieldError[];
}

export type ResourceMetadata = Omit<ResourceDefinition, "schema" | "applyDefaults" | "validate" | "protobuf">;

/** Joins a kind's declared behaviour with its generated schema and validation, for the server. */
export function defineResource(meta: ResourceMetadata, validation: KindValidation, protobuf?: KindProtobuf): ResourceDefinition {
  return {
    ...meta,
    ...(protobuf ? { protobuf } : {}),
    schema: validation.schema,
    applyDefaults: (obj) => validation.applyDefaults(obj),
    validate: (obj, old) => validation.validate(obj, old),
  };
}
