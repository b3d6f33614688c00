/**
 * SKAI's admission plugins, which main.ts passes to serve(). They run after the
 * built-in ones (NamespaceLifecycle when it runs in a cluster), on every
 * create, update and delete, in this order: all mutations, then all checks.
 */
import { definePlugin, type AdmissionObject, type AdmissionPlugin } from "@skai-gen/runtime/admission";

/** Records who created an object, for the platform's cost reports and the console. */
const createdBy = definePlugin({
  name: "SkaiCreatedBy",
  operations: ["CREATE"],
  mutate(attrs) {
    const meta = (attrs.object!.metadata ??= {});
    meta.annotations = { ...meta.annotations, "skai.io/created-by": attrs.user.name };
  },
});

/** A training run must be reproducible: its images name a tag or a digest, never `latest`. */
const pinnedTrainingImages = definePlugin({
  name: "SkaiPinnedTrainingImages",
  operations: ["CREATE", "UPDATE"],
  resources: ["trainingjobs"],
  validate(attrs) {
    for (const [i, image] of containerImages(attrs.object!).entries()) {
      const tag = image.includes("@") ? "digest" : /:[^/]+$/.exec(image)?.[0].slice(1);
      if (!tag || tag === "latest") {
        throw new Error(`spec.template.spec.containers[${i}].image: training images must be pinned to a tag or a digest, not "${image}"`);
      }
    }
  },
});

function containerImages(obj: AdmissionObject): string[] {
  const spec = obj.spec as { template?: { spec?: { containers?: Array<{ image?: string }> } } } | undefined;
  return (spec?.template?.spec?.containers ?? []).map((c) => c.image ?? "");
}

export const plugins: AdmissionPlugin[] = [createdBy, pinnedTrainingImages];
