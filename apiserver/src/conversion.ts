/**
 * SKAI's conversion functions, for what does not map by name between a served
 * version and the storage version (v1alpha1). The generated server copies
 * every field that keeps its name and type, then calls these
 * (conversion-gen's names) to fill in the rest of `dst`. Fields neither side
 * takes (v1beta1's imagePullPolicy when stored as v1alpha1) are kept in an
 * annotation by the runtime, so they are not lost. main.ts passes this
 * module's exports as serve()'s `conversions["skai.io"]`: the generated
 * ServerExtensions type requires these two and checks their signatures.
 */
import type { skaiV1alpha1 as v1alpha1, skaiV1beta1 as v1beta1 } from "@skai/api";

/** v1alpha1's spec.image and spec.resources move under spec.template in v1beta1. */
export function Convert_v1alpha1_NotebookSpec_To_v1beta1_NotebookSpec(src: v1alpha1.NotebookSpec, dst: v1beta1.NotebookSpec): void {
  dst.template = { image: src.image };
  if (src.resources !== undefined) dst.template.resources = structuredClone(src.resources);
}

export function Convert_v1beta1_NotebookSpec_To_v1alpha1_NotebookSpec(src: v1beta1.NotebookSpec, dst: v1alpha1.NotebookSpec): void {
  dst.image = src.template?.image;
  if (src.template?.resources !== undefined) dst.resources = structuredClone(src.template.resources);
}
