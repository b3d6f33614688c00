/**
 * What discovery says about each served resource, derived once from the
 * ResourceDefinitions: the legacy APIResource entries and the aggregated
 * (apidiscovery.k8s.io/v2) entries. Field order follows the Go structs so the
 * JSON matches kube's byte for byte where it can.
 */
import { createHash } from "node:crypto";
import type { ResourceDefinition } from "../api/resource.js";
import { compareKubeVersions } from "./versions.js";

/** Verbs of every resource the generic store serves (sorted, as kube's installer lists them). */
const RESOURCE_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
const GET_UPDATE_PATCH = ["get", "patch", "update"];

export interface SubresourceInfo {
  name: string;
  verbs: string[];
  /** HTTP methods the route answers (connect subresources list theirs, as kube's ConnectMethods). */
  methods: string[];
  responseKind: { group: string; version: string; kind: string };
}

/** All subresources a definition has, sorted by name as kube's installer sorts paths. */
export function subresourcesOf(def: ResourceDefinition): SubresourceInfo[] {
  const own = { group: def.group, version: def.version, kind: def.kind };
  const subs: SubresourceInfo[] = [];
  if (def.subresources.status) subs.push({ name: "status", verbs: GET_UPDATE_PATCH, methods: ["GET", "PUT", "PATCH"], responseKind: own });
  if (def.subresources.scale) {
    subs.push({
      name: "scale",
      verbs: GET_UPDATE_PATCH,
      methods: ["GET", "PUT", "PATCH"],
      responseKind: { group: "autoscaling", version: "v1", kind: "Scale" },
    });
  }
  // pods/log: a getter whose discovery kind is the pod's own kind.
  if (def.subresources.log) subs.push({ name: "log", verbs: ["get"], methods: ["GET"], responseKind: own });
  // pods/exec: a connecter answering GET and POST; its kind is the options kind (PodExecOptions for pods).
  if (def.subresources.exec) {
    subs.push({ name: "exec", verbs: ["create", "get"], methods: ["GET", "POST"], responseKind: { ...own, kind: `${def.kind}ExecOptions` } });
  }
  // User-handled subresources: treated as connecters (GET and POST), the handler decides the rest.
  for (const name of def.subresources.custom) {
    subs.push({ name, verbs: ["create", "get"], methods: ["GET", "POST"], responseKind: own });
  }
  return subs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** base64 of the first 8 bytes of SHA-256("group/version/kind") (apiserver discovery/storageversionhash.go). */
export function storageVersionHash(group: string, version: string, kind: string): string {
  return createHash("sha256").update(`${group}/${version}/${kind}`).digest().subarray(0, 8).toString("base64");
}

export interface GroupVersionModel {
  group: string;
  version: string;
  groupVersion: string;
  resources: ResourceDefinition[];
}

export interface GroupModel {
  name: string;
  /** Most preferred first. */
  versions: GroupVersionModel[];
}

/** Groups in the order they first appear, versions in preference order, resources sorted by plural. */
export function groupModel(defs: ResourceDefinition[]): GroupModel[] {
  const groups = new Map<string, Map<string, ResourceDefinition[]>>();
  for (const def of defs) {
    let versions = groups.get(def.group);
    if (!versions) groups.set(def.group, (versions = new Map()));
    let list = versions.get(def.version);
    if (!list) versions.set(def.version, (list = []));
    list.push(def);
  }
  return [...groups].map(([name, versions]) => ({
    name,
    versions: [...versions.keys()].sort(compareKubeVersions).map((version) => ({
      group: name,
      version,
      groupVersion: `${name}/${version}`,
      resources: [...versions.get(version)!].sort((a, b) => (a.plural < b.plural ? -1 : a.plural > b.plural ? 1 : 0)),
    })),
  }));
}

/** metav1.APIResource entries of one group-version: each resource followed by its subresources. */
export function legacyResources(gv: GroupVersionModel): object[] {
  const out: object[] = [];
  for (const def of gv.resources) {
    const top: Record<string, unknown> = {
      name: def.plural,
      singularName: def.singular,
      namespaced: def.namespaced,
      kind: def.kind,
      verbs: RESOURCE_VERBS,
    };
    if (def.shortNames.length) top.shortNames = def.shortNames;
    if (def.categories.length) top.categories = def.categories;
    top.storageVersionHash = storageVersionHash(def.group, def.version, def.kind);
    out.push(top);
    for (const sub of subresourcesOf(def)) {
      const entry: Record<string, unknown> = { name: `${def.plural}/${sub.name}`, singularName: "", namespaced: def.namespaced };
      // group/version only when the kind lives elsewhere (scale -> autoscaling/v1).
      if (sub.responseKind.group !== def.group || sub.responseKind.version !== def.version) {
        entry.group = sub.responseKind.group;
        entry.version = sub.responseKind.version;
      }
      entry.kind = sub.responseKind.kind;
      entry.verbs = sub.verbs;
      out.push(entry);
    }
  }
  return out;
}

/** apidiscovery.k8s.io/v2 APIResourceDiscovery entries of one group-version. */
export function aggregatedResources(gv: GroupVersionModel): object[] {
  return gv.resources.map((def) => {
    const entry: Record<string, unknown> = {
      resource: def.plural,
      responseKind: { group: def.group, version: def.version, kind: def.kind },
      scope: def.namespaced ? "Namespaced" : "Cluster",
      singularResource: def.singular,
      verbs: RESOURCE_VERBS,
    };
    if (def.shortNames.length) entry.shortNames = def.shortNames;
    if (def.categories.length) entry.categories = def.categories;
    const subs = subresourcesOf(def);
    if (subs.length) {
      entry.subresources = subs.map((s) => ({ subresource: s.name, responseKind: s.responseKind, verbs: s.verbs }));
    }
    return entry;
  });
}
