/**
 * What generated code tells the runtime about each served kind. The generated
 * server builds one `ResourceDefinition` per kind and version from the API model
 * and hands the list to the runtime; everything else (routing, verbs, storage,
 * discovery) is the runtime's job.
 */
import type { FieldError } from "@skai-gen/client/status";
import type { KindProtobuf } from "@skai-gen/client/protobuf";

export type { CauseType, FieldError } from "@skai-gen/client/status";

/** A Kubernetes structural schema node (the CRD OpenAPI v3 subset with x-kubernetes-* extensions). */
export interface StructuralSchema {
  type?: "object" | "array" | "string" | "integer" | "number" | "boolean";
  description?: string;
  format?: string;
  properties?: Record<string, StructuralSchema>;
  additionalProperties?: StructuralSchema | boolean;
  items?: StructuralSchema;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minProperties?: number;
  maxProperties?: number;
  anyOf?: StructuralSchema[];
  allOf?: StructuralSchema[];
  oneOf?: StructuralSchema[];
  not?: StructuralSchema;
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-embedded-resource"?: boolean;
  "x-kubernetes-list-type"?: "atomic" | "set" | "map";
  "x-kubernetes-list-map-keys"?: string[];
  "x-kubernetes-map-type"?: "atomic" | "granular";
  "x-kubernetes-validations"?: Array<{
    rule: string;
    message?: string;
    messageExpression?: string;
    reason?: string;
    fieldPath?: string;
    optionalOldSelf?: boolean;
  }>;
  [extension: `x-${string}`]: unknown;
}

export interface PrintColumnDefinition {
  name: string;
  type: "integer" | "number" | "string" | "boolean" | "date";
  jsonPath: string;
  format?: string;
  priority: number;
  description?: string;
}

export interface ScaleDefinition {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

/** Where the built-in connect provider finds the Pod behind an object. */
export interface PodTarget {
  /** JSON path of the pod's name in the object, e.g. `.status.podName`. */
  podName?: string;
  /** JSON path of a label selector string in the object, e.g. `.status.selector`. */
  selector?: string;
  /** Container used when the request names none. */
  container?: string;
}

export interface ResourceDefinition {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  subresources: {
    status: boolean;
    scale?: ScaleDefinition;
    log: boolean;
    exec: boolean;
    custom: string[];
    /** The Pod behind log/exec for the built-in provider (`@subresource log podName=.status.podName`). */
    pods?: { log?: PodTarget; exec?: PodTarget };
  };
  printColumns: PrintColumnDefinition[];
  /** JSON paths such as `.status.phase`, beyond metadata.name and metadata.namespace. */
  selectableFields: string[];
  /** Structural schema of the whole object (apiVersion, kind, metadata, spec, status). */
  schema: StructuralSchema;
  /** Fills in `@default`s in place, as the apiserver does when decoding. */
  applyDefaults(obj: Record<string, unknown>): void;
  /**
   * Validates an object against its schema and CEL rules. `old` is the stored
   * object on update, for transition rules (`oldSelf`).
   */
  validate(obj: Record<string, unknown>, old?: Record<string, unknown>): FieldError[];
  /** Protobuf descriptors (`application/vnd.kubernetes.protobuf`); kinds without them are served as JSON only. */
  protobuf?: KindProtobuf;
}
