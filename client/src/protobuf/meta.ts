/**
 * The meta/v1 messages the runtime itself writes (list metadata, Status, watch
 * events), with field numbers from k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto.
 * ObjectMeta and the types under it come from the generated descriptors, which
 * the generator derives from the model (see generator/src/emit/protobuf/).
 */
import type { ProtoTypes } from "./descriptor.js";

export const META = "k8s.io.apimachinery.pkg.apis.meta.v1";
export const LIST_META = `${META}.ListMeta`;
export const STATUS = `${META}.Status`;

export const META_TYPES: ProtoTypes = {
  [LIST_META]: [
    [1, "selfLink", "string"],
    [2, "resourceVersion", "string"],
    [3, "continue", "string"],
    [4, "remainingItemCount", "int64"],
  ],
  [STATUS]: [
    [1, "metadata", "msg", LIST_META],
    [2, "status", "string"],
    [3, "message", "string"],
    [4, "reason", "string"],
    [5, "details", "msg", `${META}.StatusDetails`],
    [6, "code", "int32"],
  ],
  [`${META}.StatusDetails`]: [
    [1, "name", "string"],
    [2, "group", "string"],
    [3, "kind", "string"],
    [6, "uid", "string"],
    [4, "causes", "[]msg", `${META}.StatusCause`],
    [5, "retryAfterSeconds", "int32"],
  ],
  [`${META}.StatusCause`]: [
    [1, "reason", "string"],
    [2, "message", "string"],
    [3, "field", "string"],
  ],
};
