/** Valid objects of every kind: the repository's example manifests (examples/skai.io/v1alpha1/*.yaml). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { load } from "js-yaml";
import { ROOT } from "./typecheck.js";

export type Sample = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; resourceVersion?: string };
  spec: Record<string, unknown>;
};

export function sample(file: string, name: string, namespace?: string): Sample {
  const obj = load(readFileSync(join(ROOT, "examples/skai.io/v1alpha1", `${file}.yaml`), "utf8")) as Sample;
  const { namespace: _ns, ...meta } = obj.metadata;
  return { ...obj, metadata: { ...meta, name, ...(namespace ? { namespace } : {}) } };
}
