/** The kinds a generated plugin knows, and `TYPE/NAME` resolution as kubectl resolves resource names. */
import type { ResourceDescriptor } from "../types.js";

export interface PluginKind {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  namespaced: boolean;
  log: boolean;
  exec: boolean;
}

export interface PluginSpec {
  /** `shop` for kubectl-shop. */
  name: string;
  kinds: PluginKind[];
}

/** `widget/w1`, `widgets w1`, `wd/w1`, `widgets.shop.example.com/w1` -> kind and name. */
export function resolveTarget(spec: PluginSpec, target: string[]): { kind: PluginKind; name: string } {
  let type: string | undefined;
  let name: string | undefined;
  if (target.length === 1 && target[0].includes("/")) [type, name] = target[0].split("/", 2);
  else if (target.length === 2) [type, name] = target;
  if (!type || !name || target.length > 2) throw new Error(`expected TYPE/NAME (e.g. ${example(spec)}), got ${JSON.stringify(target.join(" "))}`);
  const t = type.toLowerCase();
  const kind = spec.kinds.find((k) => {
    const names = [k.plural, k.singular, k.kind.toLowerCase(), ...k.shortNames];
    return names.includes(t) || names.some((n) => t === `${n}.${k.group}` || t === `${n}.${k.version}.${k.group}`);
  });
  if (!kind) throw new Error(`the server doesn't have a resource type "${type}" with log or exec (known: ${spec.kinds.map((k) => k.singular).join(", ")})`);
  return { kind, name };
}

function example(spec: PluginSpec): string {
  return spec.kinds[0] ? `${spec.kinds[0].singular}/my-${spec.kinds[0].singular}` : "kind/name";
}

export function descriptorOf(k: PluginKind): ResourceDescriptor {
  return {
    group: k.group,
    version: k.version,
    kind: k.kind,
    listKind: `${k.kind}List`,
    plural: k.plural,
    namespaced: k.namespaced,
    subresources: { status: false, scale: false, log: k.log, exec: k.exec },
  };
}
