/**
 * The skai-gen definitions prelude: the types a definition file imports from
 * `skai-gen/definitions`. Nothing here runs; the generator recognises these
 * names and maps them to their Kubernetes schemas.
 */

/** 32-bit integer (`integer`, format `int32`). */
export type int32 = number & { readonly __skaiFormat?: "int32" };
/** 64-bit integer (`integer`, format `int64`). */
export type int64 = number & { readonly __skaiFormat?: "int64" };
/** Double-precision number (`number`, format `double`). */
export type float64 = number & { readonly __skaiFormat?: "double" };

/** A Kubernetes resource quantity such as `500m`, `4Gi` or `2`. */
export type Quantity = string | number;
/** An integer or a string, such as a port number or a percentage. */
export type IntOrString = string | number;
/** RFC 3339 timestamp with second precision. */
export type Time = string & { readonly __skaiFormat?: "date-time" };
/** RFC 3339 timestamp with microsecond precision. */
export type MicroTime = string & { readonly __skaiFormat?: "date-time-micro" };
/** A duration string such as `30s`, `5m` or `1h30m`. */
export type Duration = string & { readonly __skaiFormat?: "duration" };

/** ObjectMeta is metadata that all persisted resources must have. */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: int64;
  creationTimestamp?: Time;
  deletionTimestamp?: Time;
  deletionGracePeriodSeconds?: int64;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: ManagedFieldsEntry[];
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  time?: Time;
  fieldsType?: string;
  fieldsV1?: Record<string, unknown>;
  subresource?: string;
}

/**
 * A Kubernetes-style resource. A kind is an exported interface that extends
 * `Resource<Spec, Status>` (or `Resource<Spec>` when it has no status).
 */
export interface Resource<Spec, Status = never> {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec: Spec;
  status?: Status;
}

/** Condition contains details for one aspect of the current state of a resource. */
export interface Condition {
  /** Type of condition in CamelCase. @maxLength 316 @pattern ^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?){0,}/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$ */
  type: string;
  /** Status of the condition, one of True, False, Unknown. */
  status: "True" | "False" | "Unknown";
  /** The .metadata.generation that the condition was set based upon. @minimum 0 */
  observedGeneration?: int64;
  /** Last time the condition transitioned from one status to another. */
  lastTransitionTime: Time;
  /** A programmatic identifier for the reason of the last transition, in CamelCase. @minLength 1 @maxLength 1024 @pattern ^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$ */
  reason: string;
  /** A human readable message indicating details about the transition. @maxLength 32768 */
  message: string;
}

/** A reference to an object in the same namespace by name. */
export interface LocalObjectReference {
  /** Name of the referent. */
  name: string;
}

/** A reference to another object. */
export interface ObjectReference {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

/** A label query over a set of resources. */
export interface LabelSelector {
  /** matchLabels is a map of {key,value} pairs. */
  matchLabels?: Record<string, string>;
  /** matchExpressions is a list of label selector requirements. The requirements are ANDed. @listType atomic */
  matchExpressions?: LabelSelectorRequirement[];
}

export interface LabelSelectorRequirement {
  /** The label key that the selector applies to. */
  key: string;
  /** Represents a key's relationship to a set of values. */
  operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
  /** An array of string values. @listType atomic */
  values?: string[];
}
