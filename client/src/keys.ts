import type { KubeObject } from "./types.js";

/** The store key client-go uses: `namespace/name`, or `name` for cluster-scoped objects. */
export function objectKey(obj: KubeObject): string {
  const m = obj.metadata;
  const name = m?.name ?? "";
  return m?.namespace ? `${m.namespace}/${name}` : name;
}

export function resourceVersionOf(obj: KubeObject | undefined): string | undefined {
  return obj?.metadata?.resourceVersion;
}
