/**
 * The one table of Kubernetes-specific shapes that `kubernetes-types` cannot
 * express: its `.d.ts` files type quantities and times as `string`, every
 * integer as `number`, and carry no list merge semantics. Entries follow the
 * upstream OpenAPI (x-kubernetes-list-type, x-kubernetes-list-map-keys,
 * format int64, defaults) of Kubernetes 1.30. Keyed by upstream type name.
 */
import type { Constraints, TypeNode } from "../model/types.js";

/** Upstream types that are not objects in the schema, by type name. */
export const KUBERNETES_SCALARS: Record<string, { type: TypeNode; constraints?: Constraints }> = {
  Quantity: { type: { kind: "intOrString", quantity: true } },
  IntOrString: { type: { kind: "intOrString", quantity: false } },
  Time: { type: { kind: "time", micro: false } },
  MicroTime: { type: { kind: "time", micro: true } },
  // Free-form JSON payloads; upstream CRD schemas mark them preserve-unknown.
  FieldsV1: { type: { kind: "unknown" }, constraints: { preserveUnknownFields: true } },
  RawExtension: { type: { kind: "unknown" }, constraints: { preserveUnknownFields: true } },
  JSON: { type: { kind: "unknown" }, constraints: { preserveUnknownFields: true } },
};

/** Per-field facts: `TypeName.field`. `int64` marks `number` fields (or list items) that are 64-bit. */
export interface KubernetesFieldFacts {
  listType?: "atomic" | "set" | "map";
  listMapKeys?: string[];
  int64?: true;
  default?: unknown;
}

const atomic: KubernetesFieldFacts = { listType: "atomic" };
const set: KubernetesFieldFacts = { listType: "set" };
const byName: KubernetesFieldFacts = { listType: "map", listMapKeys: ["name"] };
const int64: KubernetesFieldFacts = { int64: true };

const containerLists: Record<string, KubernetesFieldFacts> = {
  command: atomic,
  args: atomic,
  ports: { listType: "map", listMapKeys: ["containerPort", "protocol"] },
  envFrom: atomic,
  env: byName,
  volumeMounts: { listType: "map", listMapKeys: ["mountPath"] },
  volumeDevices: { listType: "map", listMapKeys: ["devicePath"] },
  resizePolicy: atomic,
};

function forType(type: string, fields: Record<string, KubernetesFieldFacts>): [string, KubernetesFieldFacts][] {
  return Object.entries(fields).map(([f, facts]) => [`${type}.${f}`, facts]);
}

export const KUBERNETES_FIELDS: Record<string, KubernetesFieldFacts> = Object.fromEntries([
  ...forType("ObjectMeta", {
    finalizers: set,
    ownerReferences: { listType: "map", listMapKeys: ["uid"] },
    managedFields: atomic,
    generation: int64,
    deletionGracePeriodSeconds: int64,
  }),
  ...forType("LabelSelector", { matchExpressions: atomic }),
  ...forType("LabelSelectorRequirement", { values: atomic }),
  ...forType("PodSpec", {
    volumes: byName,
    initContainers: byName,
    containers: byName,
    ephemeralContainers: byName,
    imagePullSecrets: byName,
    tolerations: atomic,
    hostAliases: { listType: "map", listMapKeys: ["ip"] },
    topologySpreadConstraints: { listType: "map", listMapKeys: ["topologyKey", "whenUnsatisfiable"] },
    readinessGates: atomic,
    resourceClaims: byName,
    schedulingGates: byName,
    activeDeadlineSeconds: int64,
    terminationGracePeriodSeconds: int64,
  }),
  ...forType("Container", containerLists),
  ...forType("EphemeralContainer", containerLists),
  ...forType("ContainerPort", { protocol: { default: "TCP" } }),
  ...forType("ResourceRequirements", { claims: byName }),
  ...forType("Capabilities", { add: atomic, drop: atomic }),
  ...forType("ExecAction", { command: atomic }),
  ...forType("HTTPGetAction", { httpHeaders: atomic }),
  ...forType("SleepAction", { seconds: int64 }),
  ...forType("Probe", { terminationGracePeriodSeconds: int64 }),
  ...forType("PodSecurityContext", {
    supplementalGroups: { listType: "atomic", int64: true },
    sysctls: atomic,
    runAsUser: int64,
    runAsGroup: int64,
    fsGroup: int64,
  }),
  ...forType("SecurityContext", { runAsUser: int64, runAsGroup: int64 }),
  ...forType("Toleration", { tolerationSeconds: int64 }),
  ...forType("NodeSelector", { nodeSelectorTerms: atomic }),
  ...forType("NodeSelectorTerm", { matchExpressions: atomic, matchFields: atomic }),
  ...forType("NodeSelectorRequirement", { values: atomic }),
  ...forType("NodeAffinity", { preferredDuringSchedulingIgnoredDuringExecution: atomic }),
  ...forType("PodAffinity", {
    requiredDuringSchedulingIgnoredDuringExecution: atomic,
    preferredDuringSchedulingIgnoredDuringExecution: atomic,
  }),
  ...forType("PodAntiAffinity", {
    requiredDuringSchedulingIgnoredDuringExecution: atomic,
    preferredDuringSchedulingIgnoredDuringExecution: atomic,
  }),
  ...forType("PodAffinityTerm", { namespaces: atomic, matchLabelKeys: atomic, mismatchLabelKeys: atomic }),
  ...forType("TopologySpreadConstraint", { matchLabelKeys: atomic }),
  ...forType("PodDNSConfig", { nameservers: atomic, searches: atomic, options: atomic }),
  ...forType("HostAlias", { hostnames: atomic }),
  ...forType("ConfigMapVolumeSource", { items: atomic }),
  ...forType("SecretVolumeSource", { items: atomic }),
  ...forType("DownwardAPIVolumeSource", { items: atomic }),
  ...forType("ProjectedVolumeSource", { sources: atomic }),
  ...forType("ConfigMapProjection", { items: atomic }),
  ...forType("SecretProjection", { items: atomic }),
  ...forType("DownwardAPIProjection", { items: atomic }),
  ...forType("ServiceAccountTokenProjection", { expirationSeconds: int64 }),
  ...forType("CephFSVolumeSource", { monitors: atomic }),
  ...forType("RBDVolumeSource", { monitors: atomic }),
  ...forType("ISCSIVolumeSource", { portals: atomic }),
  ...forType("FCVolumeSource", { targetWWNs: atomic, wwids: atomic }),
  ...forType("PersistentVolumeClaimSpec", { accessModes: atomic }),
]);

/** Facts for one field of an upstream type, if the table knows any. */
export function kubernetesFieldFacts(typeName: string, field: string): KubernetesFieldFacts | undefined {
  return KUBERNETES_FIELDS[`${typeName}.${field}`];
}
