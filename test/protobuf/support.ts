/** Shared by the protobuf tests: the generated descriptors of every SKAI group-version and their codecs. */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { loadAll } from "js-yaml";
import { KindCodec, type KindProtobuf } from "@skai-gen/client/protobuf";
import { repoRoot } from "../support/generated-server.js";

export interface KindUnderTest {
  apiVersion: string;
  kind: string;
  pb: KindProtobuf;
  codec: KindCodec;
}

/** Every kind of every generated group-version that has protobuf descriptors. */
export async function allKinds(): Promise<KindUnderTest[]> {
  const out: KindUnderTest[] = [];
  const src = path.join(repoRoot, "generated/src");
  for (const group of readdirSync(src, { withFileTypes: true })) {
    if (!group.isDirectory() || !group.name.includes(".")) continue;
    for (const version of readdirSync(path.join(src, group.name))) {
      let mod: Record<string, unknown>;
      try {
        mod = await import(path.join(src, group.name, version, "protobuf.ts"));
      } catch {
        continue;
      }
      for (const [name, value] of Object.entries(mod)) {
        if (!name.endsWith("Protobuf")) continue;
        const kind = name.slice(0, -"Protobuf".length);
        const pb = value as KindProtobuf;
        const apiVersion = `${group.name}/${version}`;
        out.push({ apiVersion, kind, pb, codec: new KindCodec(pb, { apiVersion, kind, listKind: `${kind}List` }) });
      }
    }
  }
  return out;
}

/** The example objects of a group-version (examples/<group>/<version>/*.yaml). */
export function examples(apiVersion: string): Record<string, unknown>[] {
  const dir = path.join(repoRoot, "examples", apiVersion);
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith(".yaml"));
  } catch {
    return [];
  }
  return files.flatMap((f) => loadAll(readFileSync(path.join(dir, f), "utf8")).filter(Boolean) as Record<string, unknown>[]);
}

/**
 * Kubernetes' canonical JSON of a quantity is a string: `cpu: 2` comes back as
 * "2" from kube-apiserver too (resource.Quantity marshals as a string), so the
 * comparison normalises numeric quantities the same way.
 */
export function quantitiesAsStrings(obj: unknown, types: KindProtobuf["types"], message: string): unknown {
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) return obj;
  const fields = types[message] ?? [];
  const out: Record<string, unknown> = { ...(obj as Record<string, unknown>) };
  for (const [, name, type, ref] of fields) {
    if (type === "inline") {
      Object.assign(out, quantitiesAsStrings(out, types, ref!));
      continue;
    }
    const v = out[name];
    if (v === undefined) continue;
    const base = type.replace(/^\[\]|^\{\}/, "");
    const conv = (x: unknown) => (base === "quantity" && typeof x === "number" ? String(x) : base === "msg" ? quantitiesAsStrings(x, types, ref!) : x);
    if (type.startsWith("[]")) out[name] = (v as unknown[]).map(conv);
    else if (type.startsWith("{}")) out[name] = Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, conv(x)]));
    else out[name] = conv(v);
  }
  return out;
}
