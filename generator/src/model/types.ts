/**
 * The API model: the one plain, serialisable description of an API that the
 * reader builds from `definitions/` and every emitter reads. Nothing here holds
 * a ts-morph node, a function or a class instance, so a model can be written
 * to JSON, diffed in tests and built by hand in fixtures.
 */
import type { ProtobufNumbering } from "./protobuf.js";

/** Where something was declared: 1-based line and column, path relative to the project root. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

export interface ApiModel {
  /** API groups sorted by name. */
  groups: GroupModel[];
  /**
   * Every named object type reachable from a kind, keyed by its OpenAPI
   * definition name (`io.skai.v1alpha1.NotebookSpec`,
   * `io.k8s.api.core.v1.PodTemplateSpec`). Sorted by key when serialised.
   */
  types: Record<string, ObjectType>;
  /** Protobuf field numbers of the definitions' types: the lock file's, plus new fields numbered (model/protobuf-numbers.ts). */
  protobuf?: ProtobufNumbering;
}

/**
 * `@breakingChange <rule> <reason>` on a field, kind or version: a breaking
 * change (a `skai-gen compat` rule) the API's owners accept, with why.
 */
export interface BreakingChangeAck {
  rule: string;
  reason: string;
  source: SourceLocation;
}

export interface GroupModel {
  /** `skai.io` */
  name: string;
  /** Versions in Kubernetes priority order (v1 > v1beta1 > v1alpha1). */
  versions: VersionModel[];
}

export interface VersionModel {
  /** `v1alpha1` */
  name: string;
  served: boolean;
  /** Exactly one version of a group is the storage version (a check enforces it). */
  storage: boolean;
  /** Warning text when the version is deprecated. */
  deprecated?: string;
  /** Doc comment of the version's index.ts, if any. */
  description: string;
  /** Kinds sorted by name. */
  kinds: KindModel[];
  /** Breaking changes accepted for everything in this version (`skai-gen compat`). */
  breakingChanges?: BreakingChangeAck[];
  source: SourceLocation;
}

export type Scope = "Namespaced" | "Cluster";

export interface KindModel {
  /** `Notebook` */
  name: string;
  /** `NotebookList` */
  listKind: string;
  /** `notebooks` */
  plural: string;
  /** `notebook` */
  singular: string;
  scope: Scope;
  shortNames: string[];
  categories: string[];
  description: string;
  /** Definition name of the spec type (a key of `ApiModel.types`). */
  spec: string;
  /** Definition name of the status type, when the kind has one. */
  status?: string;
  subresources: Subresources;
  printColumns: PrintColumn[];
  /** JSON paths such as `.status.phase`, beyond metadata.name and metadata.namespace. */
  selectableFields: string[];
  /** `x-kubernetes-validations` on the whole object (from `@rule` on the kind). */
  rules: ValidationRule[];
  /** Breaking changes accepted for this kind (`skai-gen compat`). */
  breakingChanges?: BreakingChangeAck[];
  source: SourceLocation;
}

export interface Subresources {
  status: boolean;
  scale?: ScaleSubresource;
  log: boolean;
  exec: boolean;
  /** The Pod behind log/exec for the built-in provider (`@subresource log podName=.status.podName`). */
  pods?: { log?: PodTarget; exec?: PodTarget };
  /** Names of user-handled subresources (`@subresource <name>`). */
  custom: string[];
}

/** Where the Pod behind an object is: a name at a JSON path, or a label selector string at a JSON path. */
export interface PodTarget {
  podName?: string;
  selector?: string;
  /** Container used when a request names none. */
  container?: string;
}

export interface ScaleSubresource {
  /** JSON path, e.g. `.spec.workers.replicas` */
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
  /** Where the `@subresource scale` tag is, for diagnostics about its paths. */
  source?: SourceLocation;
}

export interface PrintColumn {
  name: string;
  /** integer | number | string | boolean | date */
  type: "integer" | "number" | "string" | "boolean" | "date";
  jsonPath: string;
  format?: string;
  priority: number;
  description?: string;
  /** Where the `@printColumn` tag is, for diagnostics about its jsonPath. */
  source?: SourceLocation;
}

export interface ValidationRule {
  /** CEL expression; `self`, and `oldSelf` in transition rules. */
  rule: string;
  message?: string;
  /** Set when the rule comes from `@immutable`. */
  reason?: "FieldValueInvalid" | "FieldValueForbidden" | "FieldValueRequired" | "FieldValueDuplicate";
  /** Path relative to the node the rule is on, e.g. `.max`, for the cause's field. */
  fieldPath?: string;
  /** The rule reads `oldSelf` as an optional (`oldSelf.hasValue()`...), so it runs on create too. */
  optionalOldSelf?: boolean;
  source: SourceLocation;
}

/** A named object type: an interface or an object type alias. */
export interface ObjectType {
  /** Definition name, e.g. `io.skai.v1alpha1.NotebookSpec`. */
  id: string;
  /** TypeScript name, e.g. `NotebookSpec`. */
  name: string;
  /** `definitions` for the user's types, `kubernetes` for types followed into `kubernetes-types`. */
  origin: "definitions" | "kubernetes";
  /** For `kubernetes` types, the module they come from, e.g. `kubernetes-types/core/v1`. */
  module?: string;
  description: string;
  /** Fields in declaration order. */
  fields: Field[];
  constraints: Constraints;
  /** Breaking changes accepted for this type's fields (`skai-gen compat`). */
  breakingChanges?: BreakingChangeAck[];
  source: SourceLocation;
}

export interface Field {
  /** JSON name (same as the TypeScript property name). */
  name: string;
  description: string;
  required: boolean;
  type: TypeNode;
  constraints: Constraints;
  /** Pinned protobuf field number (`@protobuf`). */
  protobuf?: number;
  /** Breaking changes accepted for this field (`skai-gen compat`). */
  breakingChanges?: BreakingChangeAck[];
  source: SourceLocation;
}

/** The shape of a value. Constraints that apply to it live beside it in `Constraints`. */
export type TypeNode =
  | { kind: "string"; format?: string }
  | { kind: "enum"; values: string[]; /** Alias name when declared as a named union. */ name?: string }
  | { kind: "boolean" }
  | { kind: "number"; format: "double" }
  | { kind: "integer"; format: "int32" | "int64" }
  /** `x-kubernetes-int-or-string`; `quantity` adds the Kubernetes quantity pattern. */
  | { kind: "intOrString"; quantity: boolean }
  /** `Time` and `MicroTime`: string date-time. */
  | { kind: "time"; micro: boolean }
  | { kind: "array"; items: TypeNode; itemConstraints?: Constraints }
  | { kind: "map"; values: TypeNode; valueConstraints?: Constraints }
  /** Reference to `ApiModel.types[ref]`. */
  | { kind: "object"; ref: string }
  /** `unknown` with `@preserveUnknownFields`: a free-form value. */
  | { kind: "unknown" };

export type ListType = "atomic" | "set" | "map";
export type MergeType = "atomic" | "granular";

/** JSON Schema keywords and Kubernetes extensions; every member is optional. */
export interface Constraints {
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minProperties?: number;
  maxProperties?: number;
  default?: unknown;
  example?: unknown;
  title?: string;
  deprecated?: boolean;
  nullable?: boolean;
  rules?: ValidationRule[];
  listType?: ListType;
  listMapKeys?: string[];
  mapType?: MergeType;
  structType?: MergeType;
  preserveUnknownFields?: boolean;
  embeddedResource?: boolean;
  /** Union rules on an object type: each entry is a list of field names. */
  exactlyOneOf?: string[][];
  atMostOneOf?: string[][];
  atLeastOneOf?: string[][];
}
